#!/usr/bin/env python3
"""Writes core/tests/data/pipush_fixture.json: privacyIDEA push messages made with
python `cryptography` exactly as privacyIDEA's lib/tokens/pushtoken.py makes them,
so duet's verify and sign paths are checked against an independent implementation.

Run with a Python that has `cryptography` and `rfc8785` (the privacyIDEA venv has both):
    python tests/privacyidea/make_fixtures.py core/tests/data/pipush_fixture.json
"""
import base64
import json
import sys

import rfc8785
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa


def key(bits):
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def sign(priv, data: bytes) -> str:
    return base64.b32encode(priv.sign(data, padding.PKCS1v15(), hashes.SHA256())).decode()


def stripped_pkcs1_pem(pub) -> str:
    # privacyIDEA: generate_keypair() PEM PKCS#1, then strip_pem_headers()
    pem = pub.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1).decode()
    return "\n".join(pem.strip().splitlines()[1:-1]).strip()


server = key(4096)
other_server = key(4096)
device = key(4096)

SERIAL = "PIPU0000FIX1"
URL = "https://pi.example.com/ttype/push"


def smartphone_data(nonce, question, title, sslverify="1", presence=None, caps=True):
    d = {"nonce": nonce, "question": question, "serial": SERIAL, "title": title,
         "sslverify": sslverify, "url": URL}
    s = "{nonce}|{url}|{serial}|{question}|{title}|{sslverify}"
    if presence is not None:
        d["require_presence"] = ",".join(presence)
        d["version"] = "2"
        s += f"|{d['require_presence']}"
    d["signature"] = sign(server, s.format(**d).encode("utf8"))
    if caps:
        capabilities = {"decline_reason": True}
        d["capabilities"] = json.dumps(capabilities)
        d["capabilities_signature"] = sign(server, rfc8785.dumps({"capabilities": capabilities, "nonce": nonce}))
    return d


standard = smartphone_data("GZ4OGUHBPV5EOQ3TQEQFMJ5VE3YCYM2Z", "Sign in to Wiki from 192.0.2.7? Ünïcode ✓", "privacyIDEA")
presence = smartphone_data("KR4XC2LUMVSWK3TJMFXHIZLTOQQGC3DM", "Pick the letter shown", "privacyIDEA",
                           presence=["B", "Q", "X"])
legacy = smartphone_data("NBSWY3DPEB3W64TMMQQGC3TEEBXW65LS", "Old server", "privacyIDEA", caps=False)
TS = "2026-11-22T21:41:26Z"

fixture = {
    "serial": SERIAL,
    "url": URL,
    "server_public_key": stripped_pkcs1_pem(server.public_key()),
    "other_server_public_key": stripped_pkcs1_pem(other_server.public_key()),
    "device_pkcs8_b64": base64.b64encode(device.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())).decode(),
    "device_spki_b64url": base64.urlsafe_b64encode(device.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)).decode(),
    "poll_response": {"result": {"status": True, "value": [standard, presence, legacy]}, "id": 1,
                      "jsonrpc": "2.0", "version": "privacyIDEA 3.14"},
    "expected": {
        "poll_timestamp": TS,
        "poll_signature": sign(device, f"{SERIAL}|{TS}".encode()),
        "approve_standard": sign(device, f"{standard['nonce']}|{SERIAL}".encode()),
        "deny_not_me_standard": sign(device, f"{standard['nonce']}|{SERIAL}|decline|unknown_trigger".encode()),
        "deny_mistake_standard": sign(device, f"{standard['nonce']}|{SERIAL}|decline|cancelled".encode()),
        "deny_legacy": sign(device, f"{legacy['nonce']}|{SERIAL}|decline".encode()),
        "approve_presence_Q": sign(device, f"{presence['nonce']}|{SERIAL}|Q".encode()),
    },
}
with open(sys.argv[1], "w") as f:
    json.dump(fixture, f, indent=1, ensure_ascii=False)
    f.write("\n")
