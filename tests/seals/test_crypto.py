"""SM2/SM3: the standard's SM3 vectors, sign and verify, and OpenSSL as an independent implementation."""

import base64
import shutil
import subprocess

import pytest
from gmssl.sm2 import CryptSM2

from reviews.seals import crypto

# A fixed key (drawn once with crypto.generate_private_key) and its public key, as computed by OpenSSL 3:
# `openssl pkey -in k.pem -text` on the same private scalar.
FIXED_PRIVATE = "16c942205ad1c03ebb7e489806b2ab22d21729b6d811c45fd36ceabbf2516ea3"
FIXED_PUBLIC = (
    "049e76eb40b5bbe80df68e1cc6fa10855b895bbf78d9a86fbc95d9f0b616d5a75669daa139b742b05e13c71dce6a9b2785609568ab95"
    "b8c24f6ee902e073334f0a"
)


def test_sm3_vectors_of_the_standard():
    # GB/T 32905-2016 appendix A, examples 1 and 2.
    assert crypto.sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert crypto.sm3_hex(b"abcd" * 16) == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"


def test_public_key_of_a_fixed_private_key():
    assert crypto.public_key_of(FIXED_PRIVATE) == FIXED_PUBLIC
    assert crypto.key_id_of(FIXED_PUBLIC) == crypto.sm3_hex(bytes.fromhex(FIXED_PUBLIC))[:16]


def test_sign_and_verify_over_parts():
    signature = crypto.sign(FIXED_PRIVATE, FIXED_PUBLIC, [b"first ", "第二部分".encode()])
    assert crypto.verify(FIXED_PUBLIC, signature, [b"first \xe7\xac\xac", "二部分".encode()])  # parts only concatenate
    assert not crypto.verify(FIXED_PUBLIC, signature, [b"first ", "第三部分".encode()])
    other = crypto.public_key_of(crypto.generate_private_key())
    assert not crypto.verify(other, signature, [b"first ", "第二部分".encode()])


def test_signatures_are_randomised_der():
    one = crypto.sign(FIXED_PRIVATE, FIXED_PUBLIC, [b"m"])
    two = crypto.sign(FIXED_PRIVATE, FIXED_PUBLIC, [b"m"])
    assert one != two  # a fresh nonce each time (from secrets, never gmssl's random.choice)
    assert one[0] == 0x30 and crypto.der_length(one) == len(one) <= 72


def test_forged_and_malformed_signatures_are_refused():
    r, s = crypto.der_decode(crypto.sign(FIXED_PRIVATE, FIXED_PUBLIC, [b"m"]))
    assert not crypto.verify(FIXED_PUBLIC, crypto.der_encode(r, crypto.N - s), [b"m"])
    assert not crypto.verify(FIXED_PUBLIC, crypto.der_encode(0, s), [b"m"])
    assert not crypto.verify(FIXED_PUBLIC, crypto.der_encode(r + crypto.N, s), [b"m"])
    assert not crypto.verify(FIXED_PUBLIC, b"\x30\x00", [b"m"])
    padded = crypto.der_encode(r, s) + b"\x00"
    assert not crypto.verify(FIXED_PUBLIC, padded, [b"m"])


def test_a_point_off_the_curve_is_not_a_public_key():
    bad = FIXED_PUBLIC[:-1] + ("0" if FIXED_PUBLIC[-1] != "0" else "1")
    with pytest.raises(crypto.InvalidKey):
        crypto.z_value(bad)
    assert not crypto.verify(bad, crypto.sign(FIXED_PRIVATE, FIXED_PUBLIC, [b"m"]), [b"m"])


def test_keys_starting_with_0_or_4_survive_gmssls_lstrip():
    """gmssl's constructor strips any leading '0'/'4' characters: 04 4a… would lose the x coordinate's 4."""
    for _ in range(400):
        private = crypto.generate_private_key()
        public = crypto.public_key_of(private)
        if public[2] in "04":
            break
    else:
        pytest.skip("no such key drawn")
    assert CryptSM2(private_key=private, public_key=public).public_key != public[2:]  # the pitfall is real
    signature = crypto.sign(private, public, [b"m"])
    assert crypto.verify(public, signature, [b"m"])


def _spki_pem(public_hex):
    der = bytes.fromhex("3059301306072a8648ce3d020106082a811ccf5501822d034200" + public_hex)
    return "-----BEGIN PUBLIC KEY-----\n" + base64.encodebytes(der).decode() + "-----END PUBLIC KEY-----\n"


needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed")
DISTID = ["-pkeyopt", "distid:1234567812345678"]


@needs_openssl
def test_openssl_verifies_our_signature(tmp_path):
    message = "扬州市“互联网+小微企业”推荐汇总表".encode()
    (tmp_path / "pub.pem").write_text(_spki_pem(FIXED_PUBLIC))
    (tmp_path / "msg.bin").write_bytes(message)
    (tmp_path / "sig.der").write_bytes(crypto.sign(FIXED_PRIVATE, FIXED_PUBLIC, [message]))
    command = ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-in", "msg.bin"]
    command += ["-sigfile", "sig.der", "-digest", "sm3", *DISTID]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0 and "Verified Successfully" in result.stdout, result.stderr
    (tmp_path / "msg.bin").write_bytes(message + b"!")
    assert subprocess.run(command, cwd=tmp_path, capture_output=True).returncode != 0


@needs_openssl
def test_we_verify_an_openssl_signature(tmp_path):
    run = {"cwd": tmp_path, "capture_output": True, "check": True}
    subprocess.run(
        ["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:SM2", "-out", "k.pem"], **run
    )
    text = subprocess.run(["openssl", "pkey", "-in", "k.pem", "-text", "-noout"], text=True, **run).stdout
    private_hex = "".join(text.split("priv:")[1].split("pub:")[0].split()).replace(":", "")
    public_hex = "".join(text.split("pub:")[1].split("ASN1 OID")[0].split()).replace(":", "")
    assert crypto.public_key_of(f"{int(private_hex, 16):064x}") == public_hex
    (tmp_path / "msg.bin").write_bytes(b"sealed by openssl")
    sign = ["openssl", "pkeyutl", "-sign", "-inkey", "k.pem", "-rawin", "-in", "msg.bin", "-digest", "sm3", *DISTID]
    subprocess.run([*sign, "-out", "sig.der"], **run)
    signature = (tmp_path / "sig.der").read_bytes()
    assert crypto.verify(public_hex, signature, [b"sealed by openssl"])
    assert not crypto.verify(public_hex, signature, [b"sealed by someone else"])
