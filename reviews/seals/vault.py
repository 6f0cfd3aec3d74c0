"""The seal private keys at rest: AES-256-GCM under a key derived from settings.SEAL_MASTER_KEY.

GCM authenticates as well as encrypts, so a wrong master key or a changed column is an error, never a wrong
private key. The associated data binds each ciphertext to its row (key id and organisation): a ciphertext
copied into another bureau's row does not open. Stored form: "v1." + base64url(nonce ‖ ciphertext ‖ tag).
AES-GCM comes from pycryptodomex (installed with gmssl, which needs it); the key is stretched with HKDF-SHA256
so any long random string works as SEAL_MASTER_KEY.
"""

import base64
import secrets

from Cryptodome.Cipher import AES
from Cryptodome.Hash import SHA256
from Cryptodome.Protocol.KDF import HKDF
from django.conf import settings

VERSION = "v1"


class MasterKeyMismatch(Exception):
    """The stored private key does not open with this server's SEAL_MASTER_KEY (a configuration fault)."""


def _key(master_key: str) -> bytes:
    if not master_key:
        raise MasterKeyMismatch("SEAL_MASTER_KEY is not set")
    return HKDF(master_key.encode("utf-8"), 32, salt=b"shenbao.seals", hashmod=SHA256, context=b"sm2 private key v1")


def encrypt(plaintext: str, *, associated: str, master_key: str | None = None) -> str:
    nonce = secrets.token_bytes(12)
    cipher = AES.new(_key(master_key or settings.SEAL_MASTER_KEY), AES.MODE_GCM, nonce=nonce)
    cipher.update(associated.encode("utf-8"))
    ciphertext, tag = cipher.encrypt_and_digest(plaintext.encode("ascii"))
    return f"{VERSION}." + base64.urlsafe_b64encode(nonce + ciphertext + tag).decode("ascii")


def decrypt(token: str, *, associated: str, master_key: str | None = None) -> str:
    version, _, payload = token.partition(".")
    if version != VERSION:
        raise MasterKeyMismatch(f"unknown private key format {version!r}")
    raw = base64.urlsafe_b64decode(payload)
    cipher = AES.new(_key(master_key or settings.SEAL_MASTER_KEY), AES.MODE_GCM, nonce=raw[:12])
    cipher.update(associated.encode("utf-8"))
    try:
        return cipher.decrypt_and_verify(raw[12:-16], raw[-16:]).decode("ascii")
    except ValueError:
        raise MasterKeyMismatch(
            f"the seal private key ({associated}) cannot be decrypted: SEAL_MASTER_KEY is not the key it was "
            "encrypted with (or the stored value was changed). Restore the original SEAL_MASTER_KEY."
        ) from None
