// The second-factor page's security key button: asks the server for the ceremony's options,
// runs it in the browser (navigator.credentials), and posts the answer as JSON in the page's
// own form, so the CSRF token and the server-rendered error page work as for any other form.
(function () {
  'use strict';
  var form = document.getElementById('passkey-form');
  var button = document.getElementById('passkey-button');
  var status = document.getElementById('passkey-status');
  if (!form || !button) { return; }

  function say(text) { status.textContent = text; }

  function fromB64u(text) {
    var b64 = text.replace(/-/g, '+').replace(/_/g, '/');
    while (b64.length % 4) { b64 += '='; }
    var raw = atob(b64);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out.buffer;
  }

  function toB64u(buffer) {
    var bytes = new Uint8Array(buffer);
    var raw = '';
    for (var i = 0; i < bytes.length; i++) { raw += String.fromCharCode(bytes[i]); }
    return btoa(raw).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  // The server's JSON leaves absent members as null, which the WebAuthn API refuses.
  function dropNulls(v) {
    if (Array.isArray(v)) { return v.map(dropNulls); }
    if (v && typeof v === 'object') {
      var out = {};
      Object.keys(v).forEach(function (k) { if (v[k] !== null) { out[k] = dropNulls(v[k]); } });
      return out;
    }
    return v;
  }

  function creationOptions(pk) {
    pk.challenge = fromB64u(pk.challenge);
    pk.user.id = fromB64u(pk.user.id);
    (pk.excludeCredentials || []).forEach(function (c) { c.id = fromB64u(c.id); });
    return { publicKey: pk };
  }

  function requestOptions(pk) {
    pk.challenge = fromB64u(pk.challenge);
    (pk.allowCredentials || []).forEach(function (c) { c.id = fromB64u(c.id); });
    return { publicKey: pk };
  }

  function registration(cred) {
    var r = cred.response;
    return {
      id: cred.id,
      rawId: toB64u(cred.rawId),
      type: cred.type,
      response: {
        attestationObject: toB64u(r.attestationObject),
        clientDataJSON: toB64u(r.clientDataJSON),
        transports: typeof r.getTransports === 'function' ? r.getTransports() : undefined
      },
      extensions: cred.getClientExtensionResults()
    };
  }

  function assertion(cred) {
    var r = cred.response;
    return {
      id: cred.id,
      rawId: toB64u(cred.rawId),
      type: cred.type,
      response: {
        authenticatorData: toB64u(r.authenticatorData),
        clientDataJSON: toB64u(r.clientDataJSON),
        signature: toB64u(r.signature),
        userHandle: r.userHandle ? toB64u(r.userHandle) : undefined
      },
      extensions: cred.getClientExtensionResults()
    };
  }

  async function run() {
    if (!window.PublicKeyCredential || !navigator.credentials) {
      say('This browser does not support security keys or passkeys; use the authenticator app code.');
      return;
    }
    button.disabled = true;
    say('Asking the server…');
    try {
      var body = new URLSearchParams();
      body.set('csrf', form.elements.csrf.value);
      var res = await fetch(form.dataset.options, { method: 'POST', body: body, credentials: 'same-origin' });
      var data = await res.json().catch(function () { return {}; });
      if (!res.ok) {
        say((data.error ? 'Error ' + data.error + ': ' : '') + (data.message || 'the server refused (' + res.status + ').'));
        return;
      }
      if (data.next) { location.href = data.next; return; }
      var pk = dropNulls(data.options.publicKey);
      var answer;
      if (data.ceremony === 'register') {
        say('Touch your security key or confirm the passkey…');
        answer = registration(await navigator.credentials.create(creationOptions(pk)));
      } else {
        say('Touch your security key or confirm the passkey…');
        answer = assertion(await navigator.credentials.get(requestOptions(pk)));
      }
      document.getElementById('passkey-credential').value = JSON.stringify(answer);
      say('Checking…');
      form.submit();
    } catch (e) {
      say('The security key did not answer (' + (e && e.name ? e.name : 'error') + '); press the button to try again.');
    } finally {
      button.disabled = false;
    }
  }

  button.addEventListener('click', function () { run(); });
})();
