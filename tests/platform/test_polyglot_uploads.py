"""Uploads that are two things at once (issue 22.6): a PDF that carries JavaScript or attached files,
an image with a web page after its end, a PDF with HTML in it. Each is refused beside its field and
saves nothing; plain documents pass; downloads run in a sandbox."""

from __future__ import annotations

import io
import zlib

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.internships import profiles
from portal.internships import services as internships
from portal.models import StudentProfile, TeacherPractice
from portal.platform import uploads
from portal.platform.errors import ServiceError
from tests.conftest import client_for
from tests.planning.test_double_qualified import record_practice, teacher

PLAIN_PDF = b"%PDF-1.7\n1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction 3 0 R>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17 + b"\x00\x00\x00\x00IEND\xaeB`\x82"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x11" * 40 + b"\xff\xd9"
XMP_JPEG = b"\xff\xd8\xff\xe1\x00\x40<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF/></x:xmpmeta>\xff\xd9"
HTML = b"<html><body><script>fetch('/admin')</script></body></html>"


def _flate_stream(dictionary: bytes) -> bytes:
    body = zlib.compress(dictionary)
    return b"2 0 obj<</Type/ObjStm/Filter/FlateDecode>>stream\n" + body + b"\nendstream endobj\n"


HOSTILE = {
    "pdf-javascript": (b"%PDF-1.7\n1 0 obj<</S/JavaScript/JS(app.alert(1))>>endobj\n%%EOF", "script"),
    "pdf-hex-escaped-name": (b"%PDF-1.7\n1 0 obj<</S/J#61vaScript/J#53 (x)>>endobj\n%%EOF", "script"),
    "pdf-embedded-file": (
        b"%PDF-1.7\n1 0 obj<</Type/EmbeddedFile/Length 3>>stream\nabc\nendstream",
        "script",
    ),
    "pdf-launch": (b"%PDF-1.7\n1 0 obj<</S/Launch/F(cmd.exe)>>endobj\n%%EOF", "script"),
    "pdf-javascript-in-object-stream": (
        b"%PDF-1.7\n" + _flate_stream(b"<</Names<</JavaScript 5 0 R>>>>") + b"%%EOF",
        "script",
    ),
    "pdf-with-html": (PLAIN_PDF + HTML, "html"),
    "png-with-html-after-its-end": (PNG + HTML, "html"),
    "jpeg-with-html-after-its-end": (JPEG + b"<!DOCTYPE html><svg onload=alert(1)>", "html"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_polyglot_is_refused(name):
    data, why = HOSTILE[name]
    mime = uploads.content_type(data)
    assert mime is not None  # it does start like a document
    with pytest.raises(ServiceError) as refused:
        uploads.refuse_polyglot(data, mime, field="evidence")
    assert refused.value.field == "evidence"
    assert ("HTML" in str(refused.value.message)) == (why == "html")


@pytest.mark.parametrize(
    "data", [PLAIN_PDF, PNG, JPEG, XMP_JPEG], ids=["pdf", "png", "jpeg", "jpeg-with-xmp"]
)
def test_plain_documents_pass(data):
    uploads.refuse_polyglot(data, uploads.content_type(data), field="evidence")


def test_a_compression_bomb_costs_no_more_than_the_budget():
    bomb = b"%PDF-1.7\n" + _flate_stream(b"\x00" * (64 * 1024 * 1024)) + b"%%EOF"
    assert len(bomb) < 200_000
    uploads.refuse_polyglot(bomb, "application/pdf", field="cv")  # inflated up to the budget, then stops


def test_a_cv_with_javascript_is_refused_and_nothing_is_saved(app, build):
    staff = build.school()
    student = build.student(staff)
    client = client_for(app, student)
    form = {
        "hometown": "fengcheng",
        "statement": "你好",
        "consent": "y",
        "cv": (io.BytesIO(HOSTILE["pdf-javascript"][0]), "cv.pdf"),
    }
    refused = client.post("/student/internships/profile/", data=form, content_type="multipart/form-data")
    assert refused.status_code == 400 and 'id="cv-error"' in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(StudentProfile)) == 0


def test_evidence_with_a_page_after_the_image_is_refused(app, build):
    staff = build.school()
    t = teacher(staff, "秦老师")
    response = record_practice(client_for(app, staff), t, PNG + HTML, "证明.png")
    assert response.status_code == 400 and "HTML" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(TeacherPractice)) == 0


@pytest.mark.parametrize("field", ["student_consent", "guardian_consent"])
def test_a_consent_is_checked_like_every_upload(field):
    with pytest.raises(ServiceError) as refused:
        internships.consent_type(JPEG + HTML, field)
    assert refused.value.field == field and "HTML" in str(refused.value.message)
    assert internships.consent_type(JPEG, field) == "image/jpeg"


def test_a_cv_is_served_in_a_sandbox(app, build):
    staff = build.school()
    student = build.student(staff)
    profiles.save(student, profiles.ProfileInput(None, "", "", "", "", False, True), PLAIN_PDF)
    db.session.commit()
    response = client_for(app, staff).get(f"/school/internships/students/{student.id}/cv.pdf")
    assert response.data == PLAIN_PDF
    assert response.headers["Content-Security-Policy"].startswith("sandbox")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("attachment")
