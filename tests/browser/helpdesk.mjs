// Drives the duet helpdesk page in Debian's chromium with playwright-core.
//
// Usage:
//   node helpdesk.mjs enroll   BASE_URL PASSWORD OUT_DIR   log in (password, then setting up
//        the admin's authenticator from the secret the page shows), add alice, start an
//        enrollment, screenshot the page to OUT_DIR/enrollment.png, save the session
//   node helpdesk.mjs testpush BASE_URL OUT_DIR            send a test push to alice, write the
//        number shown to OUT_DIR/number.txt, wait until the page shows "approved"
//   node helpdesk.mjs passkey  BASE_URL PASSWORD           (a server whose public URL names a host)
//        with Chromium's virtual authenticator (DevTools protocol): register a passkey at the
//        first login, sign out, sign in with password + passkey, add a user
import { chromium } from 'playwright-core';
import { writeFileSync, existsSync } from 'node:fs';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';

const [mode, base, ...rest] = process.argv.slice(2);
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function fail(msg) {
  console.error(`browser test: ${msg}`);
  process.exit(1);
}

// RFC 6238 (SHA-1, 6 digits, 30 s) written here from the RFC, independent of duet's code:
// the oracle for the admin's authenticator.
function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of text.replace(/[=\s]/g, '').toUpperCase()) {
    const v = alphabet.indexOf(ch);
    if (v < 0) fail(`the page's secret is not base32`);
    bits += v.toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

function totp(secret, unixSeconds) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const mac = createHmac('sha1', secret).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(value % 1000000).padStart(6, '0');
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS, headless: true });
try {
  if (mode === 'enroll') {
    const [password, out] = rest;
    const context = await browser.newContext({ viewport: { width: 1000, height: 1200 } });
    const page = await context.newPage();
    // The Content-Security-Policy forbids inline code: anything the page still had inline
    // would be blocked and reported here.
    const blocked = [];
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) blocked.push(m.text()); });
    await page.goto(`${base}/helpdesk`);
    if (!page.url().endsWith('/helpdesk/login')) fail(`expected the login page, got ${page.url()}`);
    // A wrong password first: the page must show the stable error code and guidance.
    await page.fill('input[name=name]', 'admin');
    await page.fill('input[name=password]', 'not the password');
    await page.click('button[type=submit]');
    if (!(await page.content()).includes('E_SRV_LOGIN_FAILED')) fail('wrong password did not show E_SRV_LOGIN_FAILED');
    await page.fill('input[name=name]', 'admin');
    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
    // The second factor: the first login sets up the admin's authenticator.
    await page.waitForURL(`${base}/helpdesk/factor`);
    await page.goto(`${base}/helpdesk`);
    if (!page.url().endsWith('/helpdesk/factor')) fail(`the password alone opened ${page.url()}`);
    await page.waitForSelector('#factor-qr svg');
    // This server's public URL is an IP address: no security key button, and the page says why.
    if (!(await page.isVisible('#passkey-unavailable')) || (await page.$('#passkey-button'))) {
      fail('a server on an IP address must not offer passkeys and must say so');
    }
    const secret = base32Decode((await page.textContent('#factor-secret')).trim());
    const now = Date.now() / 1000;
    const good = totp(secret, now);
    await page.fill('#factor-code', good === '000000' ? '111111' : '000000');
    await page.click('form[action="/helpdesk/factor"] button[type=submit]');
    if (!(await page.content()).includes('E_SRV_FACTOR_WRONG')) fail('a wrong code did not show E_SRV_FACTOR_WRONG');
    await page.fill('#factor-code', totp(secret, Date.now() / 1000));
    await page.click('form[action="/helpdesk/factor"] button[type=submit]');
    await page.waitForURL(`${base}/helpdesk`);
    await page.fill('form[action="/helpdesk/users"] input[name=name]', 'alice');
    await page.click('form[action="/helpdesk/users"] button');
    await page.waitForURL(/\/helpdesk\/users\/\d+$/);
    await page.click('#start-enrollment');
    await page.waitForURL(/\/helpdesk\/enrollments\//);
    await page.waitForSelector('#qr svg');
    const code = (await page.textContent('#manual-code')).trim();
    const countdown = Number(await page.textContent('#countdown'));
    if (!(countdown > 800 && countdown <= 900)) fail(`countdown shows ${countdown}`);
    await page.waitForTimeout(1500);
    const later = Number(await page.textContent('#countdown'));
    if (!(later < countdown)) fail('the expiry countdown does not run');
    const qrWidth = await page.evaluate(() => getComputedStyle(document.querySelector('#qr svg')).width);
    if (qrWidth !== '320px') fail(`the style sheet is not applied (QR code ${qrWidth} wide)`);
    if (blocked.length) fail(`the Content-Security-Policy blocked: ${blocked.join(' | ')}`);
    await page.screenshot({ path: join(out, 'enrollment.png'), fullPage: true });
    writeFileSync(join(out, 'manual-code.txt'), code + '\n');
    writeFileSync(join(out, 'user-url.txt'), page.url() + '\n');
    await context.storageState({ path: join(out, 'session.json') });
    console.log(`browser: enrollment page captured, manual code ${code}`);
  } else if (mode === 'testpush') {
    const [out] = rest;
    const context = await browser.newContext({ storageState: join(out, 'session.json') });
    const page = await context.newPage();
    await page.goto(`${base}/helpdesk`);
    await page.click('#users a');
    await page.waitForURL(/\/helpdesk\/users\/\d+$/);
    const devices = await page.textContent('#devices');
    if (!devices.includes('cli')) fail('the enrolled device is not listed');
    await page.click('#test-push');
    await page.waitForURL(/\/helpdesk\/signins\//);
    const number = (await page.textContent('#number')).trim();
    writeFileSync(join(out, 'number.txt'), number + '\n');
    console.log(`browser: test push sent, the page shows number ${number}`);
    const deadline = Date.now() + 30000;
    for (;;) {
      const outcome = (await page.textContent('#outcome')).trim();
      if (outcome === 'approved') break;
      if (outcome !== 'pending') fail(`test push ended as ${outcome}`);
      if (Date.now() > deadline) fail('test push not approved within 30 s');
      await page.waitForTimeout(500);
      await page.reload();
    }
    await page.screenshot({ path: join(out, 'approved.png') });
    console.log('browser: the helpdesk page shows the test push approved');
  } else if (mode === 'passkey') {
    const [password] = rest;
    const context = await browser.newContext();
    const page = await context.newPage();
    const blocked = [];
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) blocked.push(m.text()); });
    // Chromium's own authenticator, as a platform passkey with user verification; the server
    // sees exactly what a real one sends.
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
    });
    const credentials = async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
    const login = async () => {
      await page.goto(`${base}/helpdesk`);
      if (!page.url().endsWith('/helpdesk/login')) fail(`expected the login page, got ${page.url()}`);
      await page.fill('input[name=name]', 'admin');
      await page.fill('input[name=password]', password);
      await page.click('button[type=submit]');
      await page.waitForURL(`${base}/helpdesk/factor`);
    };

    await login();
    // The first login offers both: the authenticator app and a security key or passkey.
    await page.waitForSelector('#factor-secret');
    const register = await page.textContent('#passkey-button');
    if (!/Register a security key/.test(register)) fail(`the setup page offers no passkey: ${register}`);
    await page.click('#passkey-button');
    await page.waitForURL(`${base}/helpdesk`);
    const made = await credentials();
    if (made.length !== 1 || made[0].rpId !== new URL(base).hostname) fail(`the authenticator holds ${JSON.stringify(made.map((c) => c.rpId))}`);
    console.log(`browser: passkey registered for ${made[0].rpId}`);

    await page.click('nav form[action="/helpdesk/logout"] button');
    await page.waitForURL(`${base}/helpdesk/login`);
    await login();
    // Later logins ask for the key; no authenticator app was set up, so no code is asked.
    const use = await page.textContent('#passkey-button');
    if (!/Use your security key/.test(use)) fail(`the sign-in page does not ask for the key: ${use}`);
    if ((await page.$('#factor-code')) || (await page.$('#factor-secret'))) fail('a passkey-only admin was offered an authenticator code');
    await page.goto(`${base}/helpdesk`);
    if (!page.url().endsWith('/helpdesk/factor')) fail(`the password alone opened ${page.url()}`);
    await page.click('#passkey-button');
    await page.waitForURL(`${base}/helpdesk`);
    const used = await credentials();
    if (!(used[0].signCount > made[0].signCount)) fail(`the signature counter did not move: ${made[0].signCount} -> ${used[0].signCount}`);
    // A full session: adding a user works.
    await page.fill('form[action="/helpdesk/users"] input[name=name]', 'bob');
    await page.click('form[action="/helpdesk/users"] button');
    await page.waitForURL(/\/helpdesk\/users\/\d+$/);
    await page.goto(`${base}/helpdesk/audit`);
    const audit = await page.textContent('#audit');
    for (const action of ['admin_passkey_registered', 'admin_passkey_passed']) {
      if (!audit.includes(action)) fail(`the audit log lacks ${action}`);
    }
    if (blocked.length) fail(`the Content-Security-Policy blocked: ${blocked.join(' | ')}`);
    console.log('browser: signed in with password + passkey, added a user');
  } else {
    fail(`unknown mode ${mode}`);
  }
} finally {
  await browser.close();
}
