"""SM2 signatures with SM3 (国密: GB/T 32918.2 / GM/T 0003.2, GB/T 32905 / GM/T 0004), no Django.

A signature is over a message M: e = SM3(Z ‖ M) with Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA) and the
default user ID 1234567812345678 (GM/T 0009), so OpenSSL 3 verifies it with
`openssl pkeyutl -verify -rawin -digest sm3 -pkeyopt distid:1234567812345678`.
Signatures are DER `SEQUENCE { INTEGER r, INTEGER s }` (GM/T 0009's SM2Signature, what OpenSSL writes).

SM3 comes from OpenSSL through hashlib (fast, streaming); the curve arithmetic from gmssl, which we call only at
its two safe entry points (`sign(e, k)` and `verify(sig, e)`) because of its pitfalls (../shared/docs/tech-notes.md):
its own nonce is `random.choice` — we always pass one from `secrets`; its constructor parses public keys with
`lstrip("04")`, which also eats an x ‖ y that happens to start with 0 or 4 — we set the attribute to the 64-byte
x ‖ y ourselves after construction (`_engine`); it checks neither the ranges of r and s nor that a
public key lies on the curve — we do.
"""

import hashlib
import secrets
from collections.abc import Iterable

from Cryptodome.Util.asn1 import DerInteger, DerSequence
from gmssl.sm2 import CryptSM2, default_ecc_table

P = int(default_ecc_table["p"], 16)
A = int(default_ecc_table["a"], 16)
B = int(default_ecc_table["b"], 16)
N = int(default_ecc_table["n"], 16)
G = default_ecc_table["g"]  # x ‖ y, hex
DEFAULT_USER_ID = b"1234567812345678"


class InvalidKey(ValueError):
    pass


def sm3(*parts: bytes) -> bytes:
    digest = hashlib.new("sm3")
    for part in parts:
        digest.update(part)
    return digest.digest()


def sm3_hex(data: bytes) -> str:
    return sm3(data).hex()


def generate_private_key() -> str:
    """A private key d in [1, n-2] (GB/T 32918.1 6.1: 1 + d must be invertible mod n), 64 hex digits."""
    return f"{secrets.randbelow(N - 2) + 1:064x}"


def public_key_of(private_hex: str) -> str:
    """The public key d·G, uncompressed: "04" ‖ x ‖ y (130 hex digits)."""
    d = int(private_hex, 16)
    if not 1 <= d <= N - 2:
        raise InvalidKey("SM2 private key out of range")
    return "04" + CryptSM2(private_key=private_hex, public_key="")._kg(d, G)


def key_id_of(public_hex: str) -> str:
    """The key's name: the first 16 hex digits of the SM3 of its uncompressed public key bytes."""
    return sm3_hex(bytes.fromhex(public_hex))[:16]


def _point(public_hex: str) -> tuple[int, int]:
    raw = bytes.fromhex(public_hex)
    if len(raw) != 65 or raw[0] != 4:
        raise InvalidKey("an SM2 public key is 65 bytes, uncompressed (04 ‖ x ‖ y)")
    x, y = int.from_bytes(raw[1:33], "big"), int.from_bytes(raw[33:], "big")
    if not (x < P and y < P and (y * y - (x * x * x + A * x + B)) % P == 0):
        raise InvalidKey("the public key is not a point of the SM2 curve")
    return x, y


def z_value(public_hex: str, user_id: bytes = DEFAULT_USER_ID) -> bytes:
    """Z_A of GB/T 32918.2 5.5: what binds the signer's identity and key into every digest."""
    x, y = _point(public_hex)
    entl = (len(user_id) * 8).to_bytes(2, "big")
    curve = b"".join(v.to_bytes(32, "big") for v in (A, B, int(G[:64], 16), int(G[64:], 16), x, y))
    return sm3(entl, user_id, curve)


def message_digest(public_hex: str, message_parts: Iterable[bytes]) -> bytes:
    """e = SM3(Z ‖ M), M given in parts (a PDF's byte ranges) so nothing is copied."""
    return sm3(z_value(public_hex), *message_parts)


def sign(private_hex: str, public_hex: str, message_parts: Iterable[bytes]) -> bytes:
    """The DER-encoded SM2 signature of M = the concatenation of `message_parts`."""
    e = message_digest(public_hex, message_parts)
    engine = _engine(public_hex, private_hex)
    while True:
        nonce = f"{secrets.randbelow(N - 1) + 1:064x}"  # never gmssl's random.choice
        raw = engine.sign(e, nonce)
        if raw:  # gmssl returns None for the rare r = 0, r + k = n or s = 0: draw again
            return der_encode(int(raw[:64], 16), int(raw[64:], 16))


def verify(public_hex: str, signature_der: bytes, message_parts: Iterable[bytes]) -> bool:
    try:
        r, s = der_decode(signature_der)
        _point(public_hex)
    except (ValueError, InvalidKey):
        return False
    if not (1 <= r < N and 1 <= s < N):
        return False
    e = message_digest(public_hex, message_parts)
    try:
        return bool(_engine(public_hex).verify(f"{r:064x}{s:064x}", e))
    except (TypeError, ValueError):  # gmssl reaches the point at infinity for a forged (r, s)
        return False


def _engine(public_hex: str, private_hex: str | None = None) -> CryptSM2:
    engine = CryptSM2(private_key=private_hex, public_key="")
    engine.public_key = public_hex[2:]  # x ‖ y exactly; gmssl's lstrip("04") is bypassed
    return engine


def der_encode(r: int, s: int) -> bytes:
    return DerSequence([DerInteger(r), DerInteger(s)]).encode()


def der_decode(signature: bytes) -> tuple[int, int]:
    """(r, s) of a DER SM2Signature; only the canonical encoding is accepted (no second spelling of one value)."""
    sequence = DerSequence()
    sequence.decode(signature, strict=True)
    if len(sequence) != 2 or not all(isinstance(v, int) for v in sequence):
        raise ValueError("an SM2 signature is SEQUENCE { INTEGER r, INTEGER s }")
    r, s = sequence[0], sequence[1]
    if der_encode(r, s) != signature:
        raise ValueError("not the canonical DER encoding")
    return r, s


def der_length(prefix: bytes) -> int:
    """The length of the DER value at the start of `prefix` (to cut a signature out of a zero-padded field)."""
    if len(prefix) < 2 or prefix[0] != 0x30:
        raise ValueError("not a DER SEQUENCE")
    if prefix[1] < 0x80:
        return 2 + prefix[1]
    count = prefix[1] & 0x7F
    if count != 1 or len(prefix) < 3:  # an SM2 signature is at most 72 bytes
        raise ValueError("unexpected DER length")
    return 3 + prefix[2]
