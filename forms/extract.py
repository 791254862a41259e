"""Finding the receipt in what someone brings: a PDF (its embedded receipt file), a
workbook (its receipt sheet), a photo or scan of the QR code, or the receipt's text."""

from __future__ import annotations

import io

from forms.pdf import RECEIPT_FILE
from forms.receipt import Receipt, ReceiptError

RECEIPT_SHEET = "Biên nhận"


def receipt_from_bytes(data: bytes) -> Receipt:
    """The receipt in a PDF, an XLSX, a PNG or JPEG image of its QR code, or text."""
    if data.startswith(b"%PDF"):
        return Receipt.parse(_from_pdf(data))
    if data.startswith(b"PK"):
        return Receipt.parse(_from_xlsx(data))
    if data.startswith((b"\x89PNG", b"\xff\xd8")):
        return Receipt.parse(_from_image(data))
    return Receipt.parse(data.strip())


def _from_pdf(data: bytes) -> bytes:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        attachments = PdfReader(io.BytesIO(data)).attachments
    except (PdfReadError, ValueError, KeyError) as error:
        raise ReceiptError(f"unreadable PDF: {error}") from None
    found = attachments.get(RECEIPT_FILE)
    if not found:
        raise ReceiptError("this PDF carries no Minh Bạch receipt")
    return found[0]


def _from_xlsx(data: bytes) -> str:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True)
    except (BadZipFile, KeyError, ValueError, OSError) as error:
        raise ReceiptError(f"unreadable workbook: {error}") from None
    if RECEIPT_SHEET not in book.sheetnames:
        raise ReceiptError("this workbook carries no Minh Bạch receipt")
    for row in book[RECEIPT_SHEET].iter_rows(values_only=True):
        for value in row:
            if isinstance(value, str) and value.startswith("{"):
                return value
    raise ReceiptError("the receipt sheet holds no receipt")


def _from_image(data: bytes) -> str:
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError) as error:
        raise ReceiptError(f"unreadable image: {error}") from None
    for found in zxingcpp.read_barcodes(image):
        if found.format == zxingcpp.BarcodeFormat.QRCode and found.text.startswith("{"):
            return str(found.text)
    raise ReceiptError("no receipt QR code found in the image")
