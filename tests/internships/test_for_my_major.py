"""A student narrows the internships to those that prepare for their major, as the matcher reads
the postings (the catalogue majors each posting prepares for), in one click from the list."""

from __future__ import annotations

from urllib.parse import quote

from tests.conftest import client_for
from tests.internships.test_internships import world  # noqa: F401


def test_a_student_sees_the_internships_for_their_major(app, world):  # noqa: F811
    major = world.student.program.name
    student = client_for(app, world.student)
    page = student.get("/internships/").text
    assert 'data-testid="fits-mine"' in page and f"fits={quote(major)}" in page
    mine = student.get("/internships/", query_string={"fits": major}).text
    assert "焊接岗位实习" in mine and 'data-testid="fits-only"' in mine
    assert "焊接岗位实习" not in student.get("/internships/", query_string={"fits": "护理"}).text
    assert 'data-testid="fits-mine"' not in app.test_client().get("/internships/").text  # a visitor has none
