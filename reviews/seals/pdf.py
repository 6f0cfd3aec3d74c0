"""Sealed PDFs: each seal is an incremental update (docs/seals.md) holding a visible stamp and an SM2 signature.

The update adds to the chosen page a signature field whose widget shows the seal picture, and the field's
signature dictionary: ByteRange as in PDF signatures (everything but its own /Contents), /Contents the DER SM2
signature (hex, zero-padded), and who sealed it, for which bureau, when (UTC) and with which key. The signed
message is the covered bytes themselves: e = SM3(Z ‖ bytes[0:a] ‖ bytes[b:]). Everything in the dictionary but
/Contents lies inside the covered range, so the signer, bureau and time are signed too. A second seal appends a
second update and covers the first one, its signature included.

pypdf (≥ 5) writes the update: `PdfWriter(reader, incremental=True)` keeps the original bytes as they are and
appends new and changed objects with a cross-reference section pointing back (/Prev) — in the original's own
form (WeasyPrint writes cross-reference streams). We then fill in ByteRange and Contents in place.
"""

import datetime as dt
import functools
import io
import re
import zlib

from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

from reviews.seals import crypto
from reviews.seals.keyring import Keyring, result, signature_row
from reviews.seals.services import seal_key_for, sign_with

FILTER = "/Shenbao.Seal"
SUB_FILTER = "/GB.SM2.SM3"
CONTENTS_BYTES = 128  # room for the DER signature (at most 72 bytes), zero-padded
PLACEHOLDER = 9_999_999_999  # ByteRange numbers are written over this, padded to the same width
MM = 72 / 25.4
STAMP_PIXELS = 400  # the seal picture at 40 mm is ~250 dpi


def seal_pdf(
    pdf_bytes: bytes,
    *,
    organisation,
    signer,
    bureau_label: str,
    page: int = -1,
    position: tuple[float, float] = (150.0, 50.0),
    size_mm: float = 40.0,
    signed_at: dt.datetime | None = None,
) -> bytes:
    """`pdf_bytes` with one more seal of `organisation`'s bureau, appended as an incremental update.

    page: index into the pages (default the last); position: the stamp's centre in millimetres from the page's
    lower left corner (two bureaus pass two positions, e.g. (60, 50) and (150, 50), to sit side by side);
    signer: a user or a name (str() of it is written).
    """
    key = seal_key_for(organisation)
    signed_at = (signed_at or timezone.now()).astimezone(dt.UTC).replace(microsecond=0)
    meta = {
        "signer": str(signer),
        "bureau": bureau_label,
        "organisation_id": organisation.pk,
        "key_id": key.key_id,
        "signed_at": signed_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    reader = PdfReader(io.BytesIO(pdf_bytes))
    writer = PdfWriter(reader, incremental=True)
    # pypdf numbers an update's own cross-reference stream len(objects) + 1 without listing it, and a later
    # update would hand that number out again: skip every number the trailer's /Size says is taken.
    writer._objects.extend([None] * max(0, int(reader.trailer["/Size"]) - 1 - len(writer._objects)))
    target = writer.pages[page]
    signature = writer._add_object(_signature_dictionary(meta, signed_at))
    field = writer._add_object(_field(writer, target, signature, key, meta, position=position, size_mm=size_mm))
    _append(target, "/Annots", field)
    root = writer._root_object
    if "/AcroForm" not in root:
        root[NameObject("/AcroForm")] = DictionaryObject({NameObject("/Fields"): ArrayObject()})
    form = root["/AcroForm"].get_object()
    _append(form, "/Fields", field)
    form[NameObject("/SigFlags")] = NumberObject(3)  # signatures exist; append only
    out = io.BytesIO()
    writer.write(out)
    return _fill_in_signature(out.getvalue(), start=len(pdf_bytes), key=key)


def _signature_dictionary(meta, signed_at):
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Sig"),
            NameObject("/Filter"): NameObject(FILTER),
            NameObject("/SubFilter"): NameObject(SUB_FILTER),
            NameObject("/ByteRange"): ArrayObject([NumberObject(0)] + [NumberObject(PLACEHOLDER)] * 3),
            NameObject("/Contents"): ByteStringObject(b"\0" * CONTENTS_BYTES),
            NameObject("/Name"): TextStringObject(meta["signer"]),
            NameObject("/Reason"): TextStringObject(meta["bureau"]),
            NameObject("/M"): TextStringObject(signed_at.strftime("D:%Y%m%d%H%M%SZ")),
            NameObject("/Shenbao.Bureau"): TextStringObject(meta["bureau"]),
            NameObject("/Shenbao.OrganisationId"): NumberObject(meta["organisation_id"]),
            NameObject("/Shenbao.KeyId"): TextStringObject(meta["key_id"]),
            NameObject("/Shenbao.SignedAt"): TextStringObject(meta["signed_at"]),
        }
    )


def _field(writer, page, signature, key, meta, *, position, size_mm):
    """The signature field, merged with its widget: the stamp at `position` on `page`."""
    side = size_mm * MM
    x, y = position[0] * MM - side / 2, position[1] * MM - side / 2
    image = _image_xobject(writer, key.key_id, bytes(key.seal_png))
    appearance = DecodedStreamObject()
    appearance.set_data(f"q {side:.2f} 0 0 {side:.2f} 0 0 cm /Seal Do Q".encode())
    appearance.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject([FloatObject(0), FloatObject(0), FloatObject(side), FloatObject(side)]),
            NameObject("/Resources"): DictionaryObject(
                {NameObject("/XObject"): DictionaryObject({NameObject("/Seal"): image})}
            ),
        }
    )
    count = len(writer._root_object.get("/AcroForm", {}).get("/Fields", []))
    return DictionaryObject(
        {
            NameObject("/FT"): NameObject("/Sig"),
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/T"): TextStringObject(f"seal{count + 1}-{meta['key_id']}"),
            NameObject("/V"): signature,
            NameObject("/F"): NumberObject(4 | 128),  # print, locked
            NameObject("/P"): page.indirect_reference,
            NameObject("/Rect"): ArrayObject([FloatObject(round(v, 2)) for v in (x, y, x + side, y + side)]),
            NameObject("/AP"): DictionaryObject({NameObject("/N"): writer._add_object(appearance)}),
        }
    )


@functools.lru_cache(maxsize=64)
def _image_streams(key_id, png):
    """(colour, alpha) of the seal picture, deflated once per key and process."""
    image = Image.open(io.BytesIO(png)).convert("RGBA").resize((STAMP_PIXELS, STAMP_PIXELS), Image.LANCZOS)
    return zlib.compress(image.convert("RGB").tobytes(), 6), zlib.compress(image.getchannel("A").tobytes(), 6)


def _image_xobject(writer, key_id, png):
    """The seal picture as an image XObject with its alpha channel as soft mask (both indirect: every stream must
    be, and pypdf would otherwise number a direct one past the update's cross-reference section)."""
    colour, alpha = _image_streams(key_id, png)

    def image_stream(data, colour_space, extra=None):
        stream = StreamObject()
        stream._data = data  # already deflated
        stream.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Image"),
                NameObject("/Width"): NumberObject(STAMP_PIXELS),
                NameObject("/Height"): NumberObject(STAMP_PIXELS),
                NameObject("/ColorSpace"): NameObject(colour_space),
                NameObject("/BitsPerComponent"): NumberObject(8),
                NameObject("/Filter"): NameObject("/FlateDecode"),
                **(extra or {}),
            }
        )
        return stream

    mask = writer._add_object(image_stream(alpha, "/DeviceGray"))
    return writer._add_object(image_stream(colour, "/DeviceRGB", {NameObject("/SMask"): mask}))


def _append(dictionary, name, value):
    if name not in dictionary:
        dictionary[NameObject(name)] = ArrayObject()
    dictionary[name].get_object().append(value)


def _fill_in_signature(data: bytes, *, start: int, key) -> bytes:
    """Write the ByteRange over its placeholder, sign the covered bytes, write the signature into /Contents."""
    data = bytearray(data)
    contents = b"<" + b"00" * CONTENTS_BYTES + b">"
    gap_start = data.index(b"/Contents " + contents, start) + len(b"/Contents ")
    gap_end = gap_start + len(contents)
    placeholder = f"[ 0 {PLACEHOLDER} {PLACEHOLDER} {PLACEHOLDER} ]".encode()
    at = data.index(placeholder, start)
    byte_range = f"[ 0 {gap_start} {gap_end} {len(data) - gap_end}".encode()
    data[at : at + len(placeholder)] = byte_range.ljust(len(placeholder) - 1) + b"]"
    der = sign_with(key, [bytes(data[:gap_start]), bytes(data[gap_end:])])
    data[gap_start:gap_end] = b"<" + der.hex().encode().ljust(CONTENTS_BYTES * 2, b"0") + b">"
    return bytes(data)


# ----------------------------------------------------------------------------------------------- verification

HEX_STRING = re.compile(rb"<([0-9a-fA-F]*)>\Z")


def verify_pdf(pdf_bytes: bytes, keys=None) -> dict:
    """Each seal checked against the published keys; valid only if all verify and the last covers the whole
    file but its own /Contents (a changed or appended byte anywhere fails)."""
    keyring = Keyring.load(keys)
    try:
        dictionaries = _signature_dictionaries(pdf_bytes)
    except Exception:  # pypdf raises many kinds of errors on a damaged file; any of them means "not valid"
        return result([], kind="pdf", problem=_("PDF 文件已损坏，无法读取其中的电子印章。"))
    rows, ends = [], []
    for signature in dictionaries:
        row, end = _check_signature(pdf_bytes, signature, keyring)
        rows.append(row)
        ends.append(end)
    order = sorted(range(len(rows)), key=lambda i: ends[i])
    rows = [rows[i] for i in order]
    problem = ""
    if rows and max(ends) != len(pdf_bytes):
        problem = _("最后一枚电子印章之后，文件又被修改或追加了内容。")
    return result(rows, kind="pdf", problem=problem)


def _signature_dictionaries(pdf_bytes):
    reader = PdfReader(io.BytesIO(pdf_bytes), strict=False)
    form = reader.trailer["/Root"].get("/AcroForm")
    fields = form.get_object().get("/Fields", []) if form else []
    found = []
    for field in fields:
        field = field.get_object()
        if field.get("/FT") == "/Sig" and field.get("/V") is not None:
            found.append(field["/V"].get_object())
    return found


def _string_bytes(value) -> bytes:
    """A PDF string's bytes, whether pypdf read it as bytes or guessed a text encoding for it."""
    original = getattr(value, "original_bytes", None)
    return bytes(original if original is not None else value)


def _meta(signature):
    return {
        "signer": str(signature.get("/Name", "")),
        "bureau": str(signature.get("/Shenbao.Bureau", "")),
        "organisation_id": int(signature.get("/Shenbao.OrganisationId", 0)),
        "key_id": str(signature.get("/Shenbao.KeyId", "")),
        "signed_at": str(signature.get("/Shenbao.SignedAt", "")),
    }


def _check_signature(pdf_bytes, signature, keyring):
    """(result row, end of the covered range)."""
    try:
        meta = _meta(signature)
        a, b, c, d = (int(v) for v in signature["/ByteRange"])
    except (KeyError, TypeError, ValueError):
        return signature_row(meta={}, entry=None, valid=False, reason=_("电子印章的签名字典不完整。")), 0
    if signature.get("/Filter") != FILTER:
        return signature_row(meta=meta, entry=None, valid=False, reason=_("不是本系统的电子印章。")), c + d
    if not (a == 0 and 0 < b < c <= c + d <= len(pdf_bytes)):
        return signature_row(meta=meta, entry=None, valid=False, reason=_("签名覆盖范围无效。")), c + d
    gap = HEX_STRING.match(pdf_bytes[b:c])
    try:
        padded = bytes.fromhex(gap.group(1).decode()) if gap else b""
        der = padded[: crypto.der_length(padded)]
    except ValueError:
        der = b""
    if not der or padded[len(der) :].strip(b"\0") or padded != _string_bytes(signature["/Contents"]):
        return signature_row(meta=meta, entry=None, valid=False, reason=_("签名值格式错误或已被改动。")), c + d
    entry, refused = keyring.check(key_id=meta["key_id"], organisation_id=meta["organisation_id"])
    if refused:
        return signature_row(meta=meta, entry=entry, valid=False, reason=refused), c + d
    if not crypto.verify(entry["public_key"], der, [pdf_bytes[:b], pdf_bytes[c : c + d]]):
        return signature_row(meta=meta, entry=entry, valid=False, reason=_("签名与文件内容不符：文件已被改动。")), c + d
    return signature_row(meta=meta, entry=entry, valid=True, reason=_("签名有效。")), c + d
