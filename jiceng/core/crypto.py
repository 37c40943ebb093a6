"""Personal data at rest: SM4-GCM encryption and an HMAC-SM3 blind index (国密, as 等保/密评 expect).

The key is ``settings.PERSONAL_DATA_KEY`` (64 hex digits): the first 16 bytes key SM4, the last 16
key the blind index. Ciphertexts carry a version prefix so the key can be rotated later.
"""

import base64
import binascii
import os
from functools import cache

from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

VERSION = "v1"
NONCE_BYTES = 12
TAG_BYTES = 16


class DecryptionError(ValueError):
    pass


@cache
def _keys(material: str) -> tuple[bytes, bytes]:
    raw = bytes.fromhex(material)
    if len(raw) != 32:
        raise ValueError("JICENG_PD_KEY must be 64 hexadecimal digits (32 bytes)")
    return raw[:16], raw[16:]


def encrypt(plaintext: str) -> str:
    enc_key, _ = _keys(settings.PERSONAL_DATA_KEY)
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(enc_key), modes.GCM(nonce)).encryptor()
    body = encryptor.update(plaintext.encode("utf-8")) + encryptor.finalize()
    return f"{VERSION}:" + base64.b64encode(nonce + body + encryptor.tag).decode("ascii")


def decrypt(token: str) -> str:
    enc_key, _ = _keys(settings.PERSONAL_DATA_KEY)
    version, _sep, payload = token.partition(":")
    if version != VERSION:
        raise DecryptionError(f"unknown ciphertext version {version!r}")
    try:
        raw = base64.b64decode(payload, validate=True)
    except (ValueError, binascii.Error) as exc:
        raise DecryptionError("personal data ciphertext is damaged") from exc
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("personal data ciphertext is too short")
    nonce, body, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(enc_key), modes.GCM(nonce, tag)).decryptor()
    try:
        return (decryptor.update(body) + decryptor.finalize()).decode("utf-8")
    except Exception as exc:  # InvalidTag: wrong key or tampered data
        raise DecryptionError("personal data could not be decrypted with this key") from exc


def blind_index(value: str) -> str:
    """Keyed digest for exact lookups; the same value always gives the same index."""
    _, mac_key = _keys(settings.PERSONAL_DATA_KEY)
    mac = hmac.HMAC(mac_key, hashes.SM3())
    mac.update(value.strip().upper().encode("utf-8"))
    return mac.finalize().hex()


def mask_mobile(mobile: str) -> str:
    return f"{mobile[:3]}****{mobile[-4:]}" if len(mobile) >= 11 else ("*" * len(mobile))


def mask_id_number(number: str) -> str:
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}" if len(number) > 10 else "*" * len(number)
