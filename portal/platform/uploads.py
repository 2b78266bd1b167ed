"""Uploaded documents (a student's CV, a teacher's practice evidence) checked by their content.

A file is what its bytes say, never its name: a PDF, PNG or JPEG by its first bytes. On top of
that, a file that is also something else (a polyglot) is refused, because a browser or a PDF
reader could be made to run it:

- a PDF with active content: JavaScript, embedded files, or an action that launches a program.
  PDF names may hide behind #hex escapes (/J#61vaScript) and dictionaries behind compressed
  object streams, so names are decoded and Flate streams are inflated (within a budget) first;
- any file carrying HTML markup (a page appended after an image's end, or written into a PDF).

Downloads are served as attachments with nosniff and `Content-Security-Policy: sandbox`
(portal/security.py), so even a file that slipped through runs nothing on this site.
"""

from __future__ import annotations

import re
import zlib

from werkzeug.datastructures import FileStorage

from portal.platform.errors import ServiceError
from portal.platform.i18n import lazy_gettext as _l

MAGIC = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}
# Inflating stops here: a compression bomb costs no more than this.
INFLATE_BUDGET = 16 * 1024 * 1024

_ACTIVE_PDF_NAMES = {b"/javascript", b"/js", b"/embeddedfile", b"/embeddedfiles", b"/launch", b"/richmedia"}
_PDF_NAME = re.compile(rb"/[^\s/<>\[\]()%{}]+")
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.DOTALL)
_MARKUP = re.compile(
    rb"<\s*(?:!doctype\s+html|html|head|body|script|iframe|object|embed|svg|img|meta|form|style|link)[\s>/]",
    re.IGNORECASE,
)


def read(upload: object, max_bytes: int) -> bytes | None:
    """A file field's data: its bytes, one more than `max_bytes` at most (enough to see it is too
    large, without reading it all); None where no file was sent."""
    return upload.read(max_bytes + 1) if isinstance(upload, FileStorage) else None


def content_type(data: bytes) -> str | None:
    """The type the first bytes say, or None."""
    for magic, mime in MAGIC.items():
        if data.startswith(magic):
            return mime
    return None


def _inflated_streams(data: bytes):
    budget = INFLATE_BUDGET
    for match in _STREAM.finditer(data):
        if budget <= 0:
            return
        inflater = zlib.decompressobj()
        try:
            plain = inflater.decompress(match.group(1), budget)
        except zlib.error:
            continue  # not Flate (images, other filters): nothing of a dictionary to read
        budget -= len(plain)
        yield plain


def _has_active_content(pdf: bytes) -> bool:
    for part in (pdf, *_inflated_streams(pdf)):
        for name in _PDF_NAME.findall(part):
            decoded = _HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name).lower()
            if decoded in _ACTIVE_PDF_NAMES:
                return True
    return False


def refuse_polyglot(data: bytes, mime: str, *, field: str) -> None:
    """Raise beside `field` when a file of type `mime` also carries markup or PDF active content."""
    if _MARKUP.search(data):
        raise ServiceError(
            _l("The file contains web page code (HTML); upload a plain document."), field=field
        )
    if mime == "application/pdf" and _has_active_content(data):
        raise ServiceError(
            _l("The PDF contains scripts, attached files or actions; save it again as a plain PDF."),
            field=field,
        )


def document_type(data: bytes, *, field: str, max_bytes: int, too_large, wrong_type) -> str:
    """The type of an uploaded PDF, PNG or JPEG, judged by its content (never its name); refused
    beside `field` with `too_large` above `max_bytes`, `wrong_type` for any other file, or when
    it is a polyglot."""
    if len(data) > max_bytes:
        raise ServiceError(too_large, field=field)
    mime = content_type(data)
    if mime is None:
        raise ServiceError(wrong_type, field=field)
    refuse_polyglot(data, mime, field=field)
    return mime
