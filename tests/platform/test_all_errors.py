"""Every problem of a submission at once, beside its field (issue 13 item 1)."""

from __future__ import annotations

import io
import re

from portal.extensions import db
from portal.models import Posting, Teacher
from portal.pilots import services as pilots
from portal.pilots.services import PilotPlan
from portal.platform.errors import Invalid
from tests.apprenticeships.test_apprenticeships import make_world
from tests.conftest import client_for, refused, shown
from tests.hostile_files import workbook
from tests.postings.test_postings import day, form_data


def _errors(html: str) -> dict[str, str]:
    return {
        m.group(1): m.group(2) for m in re.finditer(r'<div id="([a-z_0-9-]+)-error">(.*?)</div>', html, re.S)
    }


def test_the_posting_form_shows_every_problem_at_once(app, build):
    hr = build.enterprise()
    client = client_for(app, hr)
    response = client.post(
        "/enterprise/postings/new/internship",
        data=form_data(
            "internship",
            title="",
            headcount="0",
            deadline=day(-3),
            start_date=day(90),
            end_date=day(60),
            months="99",
        ),
    )
    assert response.status_code == 400
    errors = _errors(response.get_data(as_text=True))
    assert {"title", "headcount", "deadline", "end_date"} <= set(errors), errors
    assert db.session.query(Posting).count() == 0


def test_a_pilot_plan_reports_every_missing_part(app):
    pilot_plan = PilotPlan(goals="", content="x" * 5000, resources="", timeline="")
    try:
        pilots._clean_plan(pilot_plan, complete=True)
    except Invalid as exc:
        assert {p.field for p in exc.problems} == {"goals", "content", "resources", "timeline"}
    else:
        raise AssertionError("the plan was accepted")


def test_an_import_reports_every_problem_of_every_row_with_its_value(app, build):
    staff = build.school()
    client = client_for(app, staff)
    data = workbook(
        [
            ["专业名称", "专业代码", "年招生计划", "在校生"],
            ["焊接技术应用", "ABC", "很多", "-5"],
            ["", "660301", "30", "10"],
        ]
    )
    response = shown(
        client,
        client.post(
            "/school/import/majors",
            data={"file": (io.BytesIO(data), "majors.xlsx")},
            content_type="multipart/form-data",
        ),
    )
    body = response.get_data(as_text=True)
    assert refused(response)
    lines = re.findall(r"<li>(.*?)</li>", body.split('class="row-errors"', 1)[1].split("</ul>", 1)[0])
    assert len([line for line in lines if line.startswith("第 2 行")]) >= 2, lines  # two problems of one row
    assert any("“很多”" in line for line in lines), lines  # the value as typed
    assert any(line.startswith("第 3 行") for line in lines), lines
    assert db.session.query(Teacher).count() == 0


def test_a_refused_ranking_stays_as_typed(app, build):
    w = make_world(build)
    first, second = w.places[:2]
    client = client_for(app, w.students[0])
    response = client.post(
        f"/student/apprenticeships/{w.programme.id}/choices",
        data={f"rank-{first.id}": "2", f"rank-{second.id}": "2"},
    )  # the same rank twice
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    for place in (first, second):
        select = re.search(rf'name="rank-{place.id}".*?</select>', html, re.S).group(0)
        assert '<option value="2" selected>' in select


def test_long_texts_count_characters_instead_of_cutting(app, build):
    hr = build.enterprise()
    client = client_for(app, hr)
    html = client.get("/enterprise/postings/new/internship").get_data(as_text=True)
    textarea = re.search(r'<textarea[^>]*name="description"[^>]*>', html).group(0)
    assert 'data-counter="4000"' in textarea and "maxlength" not in textarea
