#!/usr/bin/env python3
"""Independent check of the examples in docs/protocol.md.

Parses every `<!-- example:NAME -->` block out of the document and verifies, with Python's
`cryptography` package and `pyhpke` (no duet code), every signature, hash, HMAC proof, key pair,
fingerprint and check character the specification defines, and opens the HPKE-sealed offline
passcode secret. Exits non-zero on any failure.
"""
import base64
import hashlib
import hmac
import json
import re
import sys
import urllib.parse
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from pyhpke import AEADId, CipherSuite, KDFId, KEMId, OpenError

DOC = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
checks = 0


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def ok(cond, msg):
    global checks
    if not cond:
        fail(msg)
    checks += 1


def b64u(text):
    if "=" in text or re.search(r"[^A-Za-z0-9_-]", text):
        fail(f"not unpadded base64url: {text[:40]}")
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    ok(base64.urlsafe_b64encode(raw).decode().rstrip("=") == text, "canonical base64url")
    return raw


def parse_examples(doc):
    pat = re.compile(r"<!-- example:(\w+) -->\n```\w*\n(.*?)\n```", re.S)
    return {m.group(1): m.group(2) for m in pat.finditer(doc)}


def public_key(raw):
    ok(len(raw) == 65 and raw[0] == 4, "uncompressed SEC1 P-256 key")
    return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)


def verify(key_raw, payload, sig_raw, what):
    ok(len(sig_raw) == 64, f"{what}: raw r||s signature of 64 bytes")
    r = int.from_bytes(sig_raw[:32], "big")
    s = int.from_bytes(sig_raw[32:], "big")
    try:
        public_key(key_raw).verify(encode_dss_signature(r, s), payload, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        fail(f"{what}: signature does not verify")
    # The check must be able to fail: a one-bit change of the payload is refused.
    tampered = bytes([payload[0] ^ 1]) + payload[1:]
    try:
        public_key(key_raw).verify(encode_dss_signature(r, s), tampered, ec.ECDSA(hashes.SHA256()))
        fail(f"{what}: tampered payload verified")
    except InvalidSignature:
        pass
    ok(True, what)


def envelope(text, key_raw, what, typ):
    env = json.loads(text)
    allowed = {"payload", "sig", "sig_new"}
    ok(set(env) <= allowed and {"payload", "sig"} <= set(env), f"{what}: envelope members")
    payload = b64u(env["payload"])
    verify(key_raw, payload, b64u(env["sig"]), what)
    body = json.loads(payload)
    ok(body["v"] == 1 and body["typ"] == typ, f"{what}: v=1, typ={typ}")
    return env, payload, body


def luhn32_check(value):
    total, double = 0, True
    for ch in reversed(value):
        d = CROCKFORD.index(ch)
        if double:
            d *= 2
            d = d // 32 + d % 32
        total += d
        double = not double
    return CROCKFORD[(32 - total % 32) % 32]


def fingerprint(raw):
    h = hashlib.sha256(raw).hexdigest().upper()[:20]
    return "-".join(h[i : i + 4] for i in range(0, 20, 4))


def load_private(b64):
    return serialization.load_der_private_key(b64u(b64), password=None)


def pub_bytes(priv):
    return priv.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


def hpke_open(suite, enc, key, ct, info, aad):
    """Single-shot open (RFC 9180 §6.1): a recipient context, then its first Open."""
    return suite.create_recipient_context(enc, key, info=info).open(ct, aad=aad)


def check_sealed_offline_secret(ex, reg, rr, rr_payload):
    """The registered answer carries the offline passcode URI HPKE-sealed to the register's `ek`
    (RFC 9180 base mode, DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-128-GCM), opened here with
    pyhpke from the published agreement key material."""
    suite = CipherSuite.new(KEMId.DHKEM_P256_HKDF_SHA256, KDFId.HKDF_SHA256, AEADId.AES128_GCM)
    ek = b64u(reg["ek"])
    public_key(ek)
    pair = suite.kem.derive_key_pair(b64u(ex["agreement_key_ikm"]))
    ok(pair.public_key.to_public_bytes() == ek, "agreement key (RFC 9180 DeriveKeyPair of the published ikm) is ek")
    ok("otp" not in rr and {"otp_enc", "otp_ct"} <= set(rr), "registered carries the secret sealed, no clear `otp`")
    enc, ct = b64u(rr["otp_enc"]), b64u(rr["otp_ct"])
    public_key(enc)
    info = f"duet/v1/registered/otp|{rr['eid']}|{rr['aid']}".encode()
    aad = rr["dk"].encode()
    uri = hpke_open(suite, enc, pair.private_key, ct, info, aad)
    ok(uri.decode() == ex["registered_otp_uri"], "sealed offline secret opens to the published URI")
    ok(len(ct) == len(uri) + 16, "ciphertext is the URI plus a 16-byte tag")
    secret = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(uri.decode()).query))["secret"]
    ok(secret.encode() not in rr_payload, "the secret is nowhere in clear in the answer")
    # The seal must be able to fail: another key, account binding, device key or a flipped bit.
    other = suite.kem.derive_key_pair(bytes(32))
    tampered = bytes([ct[0] ^ 1]) + ct[1:]
    for what, key, i, a, c in (
        ("another agreement key", other.private_key, info, aad, ct),
        ("another account id", pair.private_key, info + b"x", aad, ct),
        ("another device key", pair.private_key, info, aad + b"x", ct),
        ("a tampered ciphertext", pair.private_key, info, aad, tampered),
    ):
        try:
            hpke_open(suite, enc, key, c, i, a)
            fail(f"sealed offline secret opened with {what}")
        except OpenError:
            ok(True, f"sealed offline secret refused with {what}")


def main():
    ex = parse_examples(DOC.read_text(encoding="utf-8"))
    ok(len(ex) >= 30, f"found {len(ex)} examples")

    # Keys: private keys match the published public keys; fingerprint.
    server_pk = b64u(ex["server_public_key"])
    device_pk = b64u(ex["device_public_key"])
    answer_pk = b64u(ex["answer_public_key"])
    new_device_pk = b64u(ex["new_device_public_key"])
    new_server_pk = b64u(ex["new_server_public_key"])
    ok(pub_bytes(load_private(ex["server_private_key_pkcs8"])) == server_pk, "server key pair")
    ok(pub_bytes(load_private(ex["device_private_key_pkcs8"])) == device_pk, "device key pair")
    ok(pub_bytes(load_private(ex["answer_private_key_pkcs8"])) == answer_pk, "answer key pair")
    ok(answer_pk != device_pk, "the answer key is not the device key")
    ok(pub_bytes(load_private(ex["new_device_private_key_pkcs8"])) == new_device_pk, "new device key pair")
    ok(pub_bytes(load_private(ex["new_server_private_key_pkcs8"])) == new_server_pk, "new server key pair")
    ok(fingerprint(server_pk) == ex["server_key_fingerprint"], "server key fingerprint")

    # Enrollment links.
    link = ex["enrollment_link"]
    ok(link.startswith("duet://enroll?"), "duet:// link")
    q = dict(urllib.parse.parse_qsl(link.split("?", 1)[1], strict_parsing=True))
    ok(q["v"] == "1" and b64u(q["sk"]) == server_pk, "link carries v=1 and the server key")
    https = ex["enrollment_link_https"]
    base, frag = https.split("#", 1)
    ok(base == q["url"] + "/duet/enroll", "https link path")
    ok(dict(urllib.parse.parse_qsl(frag, strict_parsing=True)) == q, "https link carries the same parameters")
    secret = b64u(q["es"])
    ok(len(secret) >= 16 and len(b64u(q["eid"])) >= 16, "enrollment secret and id lengths")

    # Manual code and its lookup.
    host, code = ex["manual_code"].split(" ")
    value = code.replace("-", "")
    ok(len(value) == 13 and all(c in CROCKFORD for c in value), "code alphabet and length")
    ok(luhn32_check(value[:12]) == value[12], "Luhn mod 32 check character")
    ok(urllib.parse.urlsplit(q["url"]).hostname == host, "code host is the server host")
    ok(json.loads(ex["enrollment_lookup_response"])["link"] == link, "lookup returns the link")

    # Registration.
    _, reg_payload, reg = envelope(ex["register_body"], device_pk, "register (device key)", "register")
    ok(reg_payload.decode() == ex["register_payload"], "register payload shown verbatim")
    ok(b64u(reg["dk"]) == device_pk and reg["alg"] == "ES256" and reg["eid"] == q["eid"], "register names key and enrollment")
    public_key(b64u(reg["ak"]))
    ok(b64u(reg["ak"]) == answer_pk, "register names the answer key")
    proof = hmac.new(secret, f"duet/v1/register|{reg['eid']}|{reg['dk']}".encode(), hashlib.sha256).digest()
    ok(hmac.compare_digest(proof, b64u(reg["proof"])), "registration proof HMAC")
    _, rr_payload, rr = envelope(ex["registered_body"], server_pk, "registered (server key)", "registered")
    ok(rr_payload.decode() == ex["registered_payload"], "registered payload shown verbatim")
    ok(rr["eid"] == q["eid"] and b64u(rr["dk"]) == device_pk, "registered names enrollment and device key")
    aid = rr["aid"]
    check_sealed_offline_secret(ex, reg, rr, rr_payload)

    # Requests and answers.
    requests = {}
    for name, mode in (("request_type", "type"), ("request_pick", "pick")):
        _, payload, req = envelope(ex[f"{name}_body"], server_pk, f"{name} (server key)", "request")
        ok(payload.decode() == ex[f"{name}_payload"], f"{name} payload shown verbatim")
        ok(req["aid"] == aid and req["match"] == mode, f"{name} audience and mode")
        ok(len(b64u(req["cid"])) >= 16, f"{name} challenge id >= 128 bits")
        ok(req["iat"] < req["exp"] <= req["iat"] + 600, f"{name} lifetime")
        requests[name] = (payload, req)
    shown = int(ex["shown_number"])
    ok(10 <= shown <= 99, "two-digit shown number")
    for name, req_name in (("answer_approve", "request_type"), ("answer_deny", "request_pick")):
        env, payload, ans = envelope(ex[f"{name}_body"], answer_pk, f"{name} (answer key)", "answer")
        sig = b64u(env["sig"])
        try:
            public_key(device_pk).verify(
                encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")),
                payload,
                ec.ECDSA(hashes.SHA256()),
            )
            fail(f"{name}: verifies with the device key")
        except InvalidSignature:
            ok(True, f"{name}: not signed by the device key")
        ok(payload.decode() == ex[f"{name}_payload"], f"{name} payload shown verbatim")
        req_payload, req = requests[req_name]
        ok(b64u(ans["rh"]) == hashlib.sha256(req_payload).digest(), f"{name} binds SHA-256 of the request bytes")
        ok(ans["cid"] == req["cid"] and ans["aid"] == aid, f"{name} names the request")
    approve = json.loads(ex["answer_approve_payload"])
    ok(approve["decision"] == "approve" and approve["number"] == shown and "reason" not in approve, "approve carries the shown number")
    deny = json.loads(ex["answer_deny_payload"])
    ok(deny["decision"] == "deny" and deny["reason"] == "not_me" and "number" not in deny, "deny as fraud")

    # Poll, poll response, push token.
    _, _, poll = envelope(ex["poll_body"], device_pk, "poll (device key)", "poll")
    ok(poll["aid"] == aid, "poll audience")
    resp = json.loads(ex["poll_response"])
    ok(resp["requests"] == [json.loads(ex["request_type_body"])], "poll response carries the request byte-for-byte")
    _, _, tok = envelope(ex["push_token_body"], device_pk, "push token (device key)", "push_token")
    ok(tok["provider"] in ("fcm", "apns") and tok["token"], "push token members")

    # Device key rotation: old key signs `sig`, new key signs `sig_new`, same payload.
    env, payload, rot = envelope(ex["rotate_device_key_body"], device_pk, "device rotation (old key)", "rotate_device_key")
    verify(new_device_pk, payload, b64u(env["sig_new"]), "device rotation (new key)")
    ok(b64u(rot["dk"]) == new_device_pk and payload.decode() == ex["rotate_device_key_payload"], "rotation names the new key")
    # Server key rotation, signed by the old server key.
    _, payload, srot = envelope(ex["rotate_server_key_body"], server_pk, "server rotation (old server key)", "rotate_server_key")
    ok(b64u(srot["sk"]) == new_server_pk and payload.decode() == ex["rotate_server_key_payload"], "server rotation names the new key")
    # Unenrollment, signed by the rotated device key.
    _, _, un = envelope(ex["unenroll_body"], new_device_pk, "unenroll (new device key)", "unenroll")
    ok(un["aid"] == aid, "unenroll audience")

    print(f"OK: {len(ex)} examples, {checks} checks passed")


if __name__ == "__main__":
    main()
