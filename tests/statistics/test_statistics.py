"""Dashboard against the plan's targets, inputs, snapshots, public statistics and the yearly report."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Cooperation, Organisation, Teacher
from portal.platform import checks
from portal.platform.errors import ServiceError
from portal.statistics import services as statistics
from portal.statistics.models import DistrictInput, StatisticSnapshot
from tests.conftest import DEMO_PASSWORD, PASSWORD, Builders, client_for

DEMO_ADMIN = "admin@xiaoqi-demo.cn"
DEMO_FILE = Path(__file__).resolve().parents[2] / "seed" / "data" / "demo.json"


def shown(html: str, key: str) -> str:
    match = re.search(rf'data-testid="value-{key}">([^<]*)<', html)
    assert match, f"figure {key} not on the page"
    return match.group(1)


def figure(key: str) -> statistics.Figure:
    return next(f for f in statistics.district_figures() if f.key == key)


@pytest.fixture
def demo(app):
    """The demo data is loaded before the test (app_factory); this is what it was loaded from."""
    return json.loads(DEMO_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def admin_client(app, build):
    build.admin()
    db.session.commit()
    client = client_for(app, "admin@example.com")
    client.post("/lang", data={"lang": "en"})  # messages in English whatever the translations say
    return client


def _cooperation(staff, hr, kind: str, seats: int, *, title: str = "测试合作") -> Cooperation:
    return Builders.cooperation(
        staff,
        hr,
        kind=kind,
        title=title,
        seats=seats,
        start_date=date(2025, 9, 1),
        duration_months=12,
        with_program=False,
    )


def _named_class(staff, cooperation_id: int, name: str, seats: int, *, publish: bool = True):
    return Builders.named_class(staff, cooperation_id, name=name, seats=seats, publish=publish)


# --- figures from the demo records -------------------------------------------------------


def test_demo_dashboard_shows_figures_derived_from_the_records(app, demo):
    client = client_for(app, DEMO_ADMIN, DEMO_PASSWORD)
    html = client.get("/admin/dashboard").get_data(as_text=True)

    kinds = {o["name"]: o.get("school_kind") for o in demo["organisations"]}
    secondary = {name for name, kind in kinds.items() if kind == "secondary_vocational"}
    full_time = [
        t
        for t in demo["teachers"]
        if t["school"] in secondary and t.get("employment", "full_time") == "full_time"
    ]
    assert shown(html, "full_time_teachers") == str(len(full_time))
    # The same number straight from the database, independently of the service.
    in_db = db.session.scalar(
        select(func.count(Teacher.id))
        .join(Organisation, Organisation.id == Teacher.school_id)
        .where(
            Organisation.school_kind == "secondary_vocational",
            Organisation.status == "verified",
            Teacher.employment == "full_time",
        )
    )
    assert in_db == len(full_time)

    enrolment = sum(p.get("enrolment", 0) for p in demo["programs"] if p["school"] in secondary)
    assert shown(html, "full_time_enrolment") == f"{enrolment:,}"
    from seed.statistics import DEMO_SECONDARY_VOCATIONAL_ADMISSIONS, DEMO_UPPER_SECONDARY_INTAKE

    # Actual admissions, not the majors' planned intake (issue 29).
    share = 100 * DEMO_SECONDARY_VOCATIONAL_ADMISSIONS / DEMO_UPPER_SECONDARY_INTAKE
    assert shown(html, "secondary_vocational_share") == f"{share:.1f}%"
    assert "演示数据" in html  # the demo input says where it comes from
    postgraduates = [t for t in full_time if t.get("degree") in ("master", "doctorate")]
    assert shown(html, "postgraduate_share") == f"{100 * len(postgraduates) / len(full_time):.1f}%"
    # Apprentices placed: what the published allocation runs say, as the apprenticeship pages summarise them.
    from portal.apprenticeships import services as apprenticeships
    from portal.models import AllocationRun

    published = db.session.scalars(select(AllocationRun).where(AllocationRun.status == "published")).all()
    placed = sum(apprenticeships.run_summary(run)["placed"] for run in published)
    assert placed > 0 and shown(html, "apprentices_placed") == str(placed)
    # Targets and the breakdowns are there, and the first trend point was taken at seeding.
    assert "230" in html and 'data-testid="by-school"' in html and 'data-testid="by-industry"' in html
    assert 'data-testid="by-town"' in html and 'data-testid="trend-table"' in html
    assert 'data-testid="schools-fold"' not in html  # two schools: all of them, no "of N"
    assert "<svg" in html and " style=" not in html  # charts are SVG; the CSP forbids inline styles


def test_every_figure_says_what_it_counts(app, demo):
    from flask_babel import force_locale

    for f in statistics.district_figures():
        with force_locale("en"):
            assert str(f.label) and len(str(f.explanation)) > 40, f.key
        assert f.unit in (statistics.COUNT, statistics.PERCENT)
        if f.value is not None and f.unit == statistics.PERCENT:
            assert 0 <= f.value <= 100


def test_figures_follow_the_records(app, build, admin_client):
    from portal.programs import records as school_records
    from portal.programs import services as programs

    staff = build.school(programs=())
    school = staff.organisation
    hr = build.enterprise()
    assert figure("full_time_teachers").value == 0
    assert figure("double_qualified_share").value is None  # no teacher: no share, not 0%

    school_records.create_teacher(school, name="王老师", double_qualified=True, degree="master")
    school_records.create_teacher(school, name="李老师")
    db.session.commit()
    html = admin_client.get("/admin/dashboard").get_data(as_text=True)
    assert shown(html, "full_time_teachers") == "2"
    assert shown(html, "double_qualified_share") == "50.0%"
    assert shown(html, "postgraduate_share") == "50.0%"

    program = programs.create_program(
        school, name="数控技术应用", code=None, intake_capacity=60, description=""
    )
    db.session.commit()
    assert figure("full_time_enrolment").value == 0  # a draft counts for nothing
    programs.update_program(staff, program.id, name="数控技术应用", intake_capacity=60, enrolment=150)
    programs.publish_program(program)
    db.session.commit()
    html = admin_client.get("/admin/dashboard").get_data(as_text=True)
    assert shown(html, "full_time_enrolment") == "150"
    assert shown(html, "secondary_vocational_share") == "—"  # no total intake entered yet

    statistics.enter_input(None, "upper_secondary_intake", date.today().year, 200, "区教体局招生计划")
    db.session.commit()
    assert figure("secondary_vocational_share").value is None  # planned intake is not admissions
    statistics.enter_input(None, "secondary_vocational_admissions", date.today().year, 54, "区招生办录取统计")
    db.session.commit()
    assert figure("secondary_vocational_share").value == 27.0  # 54 / 200, not the planned 60 / 200

    order_class = _cooperation(staff, hr, "order_class", 30, title="数控订单班")
    _cooperation(staff, hr, "staff_training", 25, title="职工培训")
    draft = _named_class(staff, order_class.id, "数控冠名班", 28, publish=False)
    html = admin_client.get("/admin/dashboard").get_data(as_text=True)
    assert (
        shown(html, "named_classes") == "0" and shown(html, "named_class_seats") == "0"
    )  # drafts do not count
    assert shown(html, "staff_trained") == "25"
    from portal.named_classes import services as named_classes

    named_classes.open_named_class(staff, draft.id)
    db.session.commit()
    html = admin_client.get("/admin/dashboard").get_data(as_text=True)
    assert shown(html, "named_classes") == "1" and shown(html, "named_class_seats") == "28"
    industries = statistics.breakdowns().industries.rows
    assert industries[0]["cooperations"] == 2 and industries[0]["kind_order_class"] == 1
    schools = {r["name"]: r for r in statistics.breakdowns().schools.rows}
    assert schools[school.name]["full_time_teachers"] == 2 and schools[school.name]["enrolment"] == 150


def test_unverified_schools_and_other_kinds_do_not_count(app, build):
    from portal.programs import records as school_records

    pending = build.school(verified=False)
    school_records.create_teacher(pending.organisation, name="待审老师")
    db.session.commit()
    assert figure("full_time_teachers").value == 0
    college = build.school()
    college.organisation.school_kind = "technician_college"
    school_records.create_teacher(college.organisation, name="技校老师")
    db.session.commit()
    assert figure("full_time_teachers").value == 0
    rows = {r["name"]: r for r in statistics.breakdowns().schools.rows}
    assert rows[college.organisation.name]["full_time_teachers"] == 1  # shown in the breakdown, not in scope
    assert rows[college.organisation.name]["in_scope"] is False


# --- inputs ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"value": "-5"}, "cannot be negative"),
        ({"value": "99999999"}, "implausibly large"),
        ({"source": ""}, "Say where the figure comes from"),
        ({"source": "  "}, "Say where the figure comes from"),
        ({"value": ""}, "Enter the figure as a whole number"),
        ({"value": "many"}, "Enter a whole number"),
        ({"year": "1899"}, "Enter a year between 2000"),
        ({"key": "full_time_teachers"}, "Choose which figure"),
        ({"key": "high_level_major_groups", "value": "500"}, "implausibly large"),
    ],
)
def test_bad_inputs_are_refused_with_a_message_and_nothing_saved(admin_client, form, message):
    data = {
        "key": "upper_secondary_intake",
        "year": str(date.today().year),
        "value": "1800",
        "source": "招生计划",
    }
    data.update(form)
    response = admin_client.post("/admin/dashboard/inputs", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(DistrictInput.id))) == 0


def test_total_intake_below_the_schools_own_intake_is_refused(app, build, admin_client):
    from portal.programs import services as programs

    staff = build.school(programs=())
    program = programs.create_program(
        staff.organisation, name="护理", code=None, intake_capacity=300, description=""
    )
    programs.publish_program(program)
    db.session.commit()
    from flask_babel import force_locale

    with force_locale("en"), pytest.raises(ServiceError, match="cannot be smaller") as refused:
        statistics.enter_input(None, "upper_secondary_intake", 2026, 250, "招生计划")
    assert refused.value.field == "value"
    db.session.rollback()
    assert db.session.scalar(select(func.count(DistrictInput.id))) == 0


def test_inputs_keep_their_history_and_the_newest_counts(admin_client):
    year = date.today().year
    for value, source in ((1800, "区教体局招生计划（初稿）"), (1750, "区教体局招生计划（定稿）")):
        response = admin_client.post(
            "/admin/dashboard/inputs",
            data={"key": "upper_secondary_intake", "year": str(year), "value": str(value), "source": source},
        )
        assert response.status_code == 302
    entries = db.session.scalars(select(DistrictInput).order_by(DistrictInput.id)).all()
    assert [e.value for e in entries] == [1800, 1750]
    assert entries[0].entered_by_email == "admin@example.com" and entries[0].entered_at is not None
    assert statistics.inputs_for(year)["upper_secondary_intake"].value == 1750
    assert statistics.inputs_for(year + 5)["upper_secondary_intake"].value == 1750  # latest earlier year
    page = admin_client.get("/admin/dashboard/inputs").get_data(as_text=True)
    assert "（初稿）" in page and "（定稿）" in page  # the history keeps both
    from portal.models import AuditEntry

    assert (
        db.session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.subject_type == "district_input")
        )
        == 2
    )


# --- snapshots and the trend -------------------------------------------------------------


def test_snapshot_is_idempotent_and_refuses_other_months(app, build):
    from portal.programs import records as school_records

    period = statistics.current_period()
    count = statistics.take_snapshot(None)
    db.session.commit()
    assert db.session.scalar(select(func.count(StatisticSnapshot.id))) == count == len(statistics.FIGURES)
    staff = build.school(programs=())
    school_records.create_teacher(staff.organisation, name="新老师")
    db.session.commit()
    statistics.take_snapshot(None, period)
    db.session.commit()
    assert db.session.scalar(select(func.count(StatisticSnapshot.id))) == count  # refreshed, not duplicated
    stored = db.session.scalar(
        select(StatisticSnapshot.value).where(
            StatisticSnapshot.period == period, StatisticSnapshot.key == "full_time_teachers"
        )
    )
    assert stored == 1
    for bad in ("2020-01", "2999-12", "2026-13", "last month"):
        with pytest.raises(ServiceError):
            statistics.take_snapshot(None, bad)
    db.session.rollback()


def test_trend_compares_stored_periods(app, admin_client):
    now = statistics.current_period()
    year, month = (int(part) for part in now.split("-"))
    year_before, older = f"{year - 1:04d}-{month:02d}", f"{year - 2:04d}-{month:02d}"
    db.session.add_all(
        [
            StatisticSnapshot(period=older, key="full_time_teachers", value=150),
            StatisticSnapshot(period=year_before, key="full_time_teachers", value=180),
        ]
    )
    statistics.take_snapshot(None)
    db.session.commit()
    periods, rows = statistics.trend(statistics.district_figures())
    assert periods == [older, year_before, now]
    # By default the latest month is compared with the same month a year before.
    assert statistics.comparison_periods(periods, None, None) == (year_before, now)
    assert statistics.comparison_periods(periods, older, year_before) == (older, year_before)
    assert statistics.comparison_periods(periods, "1999-01", "nonsense") == (year_before, now)
    assert statistics.comparison_periods([], None, None) == (None, None)
    row = next(r for r in rows if r.key == "full_time_teachers")
    assert row.change(older, year_before) == 30
    assert row.change(year_before, now) == -180  # no teacher on record today
    html = admin_client.get(f"/admin/dashboard?figure=full_time_teachers&from={older}&to={now}").get_data(
        as_text=True
    )
    table = html[html.index('data-testid="trend-table"') :]
    assert older in table and now in table and ">-150<" in table
    chosen = html[html.index('data-testid="trend-chosen"') :]
    assert ">150<" in chosen and ">180<" in chosen  # every stored period beside the line chart


def test_snapshot_button_and_command(app, admin_client):
    response = admin_client.post("/admin/dashboard/snapshot")
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(StatisticSnapshot.id))) == len(statistics.FIGURES)
    html = admin_client.get("/admin/dashboard").get_data(as_text=True)
    assert statistics.current_period() in html and 'data-testid="trend-table"' in html
    runner = app.test_cli_runner()
    result = runner.invoke(args=["snapshot-statistics"])
    assert result.exit_code == 0 and "stored" in result.output
    result = runner.invoke(args=["snapshot-statistics", "--period", "2020-01"])
    assert result.exit_code != 0 and statistics.current_period() in result.output  # only this month
    assert db.session.scalar(select(func.count(StatisticSnapshot.id))) == len(statistics.FIGURES)


def test_demo_statistics_load_twice_and_are_removed_with_the_demo(app, demo):
    from seed.loader import load_demo, remove_demo

    again = load_demo()
    db.session.commit()
    assert again["statistics_inputs"] == 0 and again["statistics_snapshots"] == 0
    entry = db.session.scalar(select(DistrictInput))
    assert entry.is_demo and entry.source == "演示数据"
    snapshots = db.session.scalars(select(StatisticSnapshot)).all()
    assert {s.period for s in snapshots} == {statistics.current_period()}  # no invented history
    remove_demo()
    db.session.commit()
    assert db.session.scalar(select(func.count(DistrictInput.id))) == 0
    assert db.session.scalar(select(func.count(StatisticSnapshot.id))) == 0


# --- access ------------------------------------------------------------------------------

ADMIN_URLS = [
    "/admin/dashboard/schools",
    "/admin/dashboard/double-qualified",
    "/admin/dashboard",
    "/admin/dashboard/inputs",
    "/admin/dashboard/report",
    "/admin/dashboard/report.xlsx",
]


def _schools(count: int) -> None:
    """`count` verified secondary vocational schools; 测试学校NN has NN full-time teachers, one
    double-qualified (so the larger a school, the more double-qualified teachers it lacks)."""
    from portal.models import OrgKind, OrgStatus

    for n in range(1, count + 1):
        school = Organisation(
            kind=OrgKind.SCHOOL.value,
            name=f"测试学校{n:02d}",
            town="pengquan",
            address="地址",
            status=OrgStatus.VERIFIED.value,
            school_kind="secondary_vocational",
        )
        db.session.add(school)
        db.session.flush()
        db.session.add_all(
            Teacher(school_id=school.id, name=f"老师{n}-{i}", double_qualified=i == 0) for i in range(n)
        )
    db.session.commit()


def test_dashboard_of_many_schools_shows_those_that_say_most_and_links_to_all(app, admin_client):
    from portal.statistics.admin_views import DASHBOARD_SCHOOLS

    count = DASHBOARD_SCHOOLS + 5
    _schools(count)
    html = admin_client.get("/admin/dashboard").get_data(as_text=True)
    by_school = re.search(r'data-testid="by-school".*?</table>', html, re.S).group(0)
    listed = re.findall(r'<th scope="row">(测试学校\d+)', by_school)
    # The largest first, no more than the dashboard shows; the totals still count every school.
    assert listed == [f"测试学校{n:02d}" for n in range(count, count - DASHBOARD_SCHOOLS, -1)]
    assert f"Total, all {count} schools" in by_school
    assert f'<td class="num">{sum(range(1, count + 1))}</td>' in by_school
    assert 'data-testid="schools-fold"' in html and 'data-testid="dq-fold"' in html
    dq = re.search(r'data-testid="dq-schools".*?</table>', html, re.S).group(0)
    # The schools that lack the most double-qualified teachers, most first.
    needed = [int(n) for n in re.findall(r'data-col="needed">(\d+)<', dq)]
    assert needed == sorted(needed, reverse=True) and len(needed) == DASHBOARD_SCHOOLS
    assert set(re.findall(r'data-key="(测试学校\d+)"', dq)) == {
        f"测试学校{n:02d}" for n in range(count - DASHBOARD_SCHOOLS + 1, count + 1)
    }

    # Every school, a page at a time, by name; the search narrows rows and totals alike.
    from portal.statistics.admin_views import SCHOOLS_PER_PAGE

    page = admin_client.get("/admin/dashboard/schools").get_data(as_text=True)
    assert f"{count} schools" in page and len(re.findall(r'<th scope="row">测试学校', page)) == min(
        count, SCHOOLS_PER_PAGE
    )
    page = admin_client.get("/admin/dashboard/schools?q=学校07").get_data(as_text=True)
    assert re.findall(r'<th scope="row">(测试学校\d+)', page) == ["测试学校07"]
    assert '<td class="num">7</td>' in page  # its seven full-time teachers, in its row and the total
    page = admin_client.get("/admin/dashboard/double-qualified?q=学校1").get_data(as_text=True)
    assert re.findall(r'data-key="(测试学校\d+)"', page) == [f"测试学校{n}" for n in range(10, 20)]
    nothing = admin_client.get("/admin/dashboard/schools?q=<无此校>&page=abc")
    assert nothing.status_code == 200 and "contains “&lt;无此校&gt;”" in nothing.get_data(as_text=True)


def test_all_schools_pages_hold_every_school_once(app, admin_client, monkeypatch):
    from portal.statistics import admin_views as dashboard

    monkeypatch.setattr(dashboard, "SCHOOLS_PER_PAGE", 4)
    _schools(10)
    seen = []
    for number in (1, 2, 3, 99, -1):
        page = admin_client.get(f"/admin/dashboard/schools?page={number}").get_data(as_text=True)
        seen.append(re.findall(r'<th scope="row">(测试学校\d+)', page))
    assert sum(seen[:3], []) == [f"测试学校{n:02d}" for n in range(1, 11)]
    assert seen[3] == seen[2] and seen[4] == seen[0]  # past the end: the last page; before it: the first


def test_non_admins_get_403_and_anonymous_must_log_in(app, build):
    school = build.school()
    people = [build.enterprise().email, school.email, build.student(school).email]
    for email in people:
        client = client_for(app, email, PASSWORD)
        for url in ADMIN_URLS:
            assert client.get(url).status_code == 403, (email, url)
        assert client.post("/admin/dashboard/snapshot").status_code == 403
        posted = client.post(
            "/admin/dashboard/inputs",
            data={"key": "upper_secondary_intake", "year": "2026", "value": "1", "source": "x"},
        )
        assert posted.status_code == 403
    anonymous = app.test_client()
    for url in ADMIN_URLS:
        response = anonymous.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert db.session.scalar(select(func.count(StatisticSnapshot.id))) == 0
    assert db.session.scalar(select(func.count(DistrictInput.id))) == 0


# --- public statistics ------------------------------------------------------------------


def _personal_data(demo: dict) -> list[str]:
    values = [u["email"] for u in demo["users"]] + [u["name"] for u in demo["users"]]
    values += [t["name"] for t in demo["teachers"]]
    for org in demo["organisations"]:
        values += [v for v in (org.get("contact_person"), org.get("phone"), org.get("address")) if v]
    return values


def test_public_stats_publish_figures_without_personal_data(app, demo):
    client = app.test_client()
    page = client.get("/stats")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-testid="stats-industries"' in html
    assert 'id="classes-h"' in html and 'id="pilots-h"' in html  # the sections, even before there is a class
    assert "山东重工" in html  # organisations are public
    downloads = [
        client.get("/stats.xlsx").data,
        *(client.get(f"/stats/{t}.csv").data for t in statistics.PUBLIC_TABLES),
    ]
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(downloads[0]))
    cells = " ".join(
        str(c) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for c in row
    )
    texts = [html, cells, *(d.decode("utf-8-sig") for d in downloads[1:])]
    for value in _personal_data(demo):
        for text in texts:
            assert value not in text, value
    assert all("@" not in text for text in texts[1:])


def test_public_csv_download(app, demo):
    response = app.test_client().get("/stats/industries.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")  # Excel in China needs the BOM
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    expected = statistics.cooperations_by_industry()
    assert len(rows) == 1 + len(expected) and len(expected) >= 1
    assert [int(r[1]) for r in rows[1:]] == [r["cooperations"] for r in expected]
    assert app.test_client().get("/stats/teachers.csv").status_code == 404


def test_public_named_classes_and_seats(app, build):
    staff, hr = build.school(), build.enterprise()
    cooperation = _cooperation(staff, hr, "order_class", 45, title="智能制造订单班")
    _named_class(staff, cooperation.id, "智能制造冠名班", 45)
    _named_class(staff, cooperation.id, "草稿冠名班", 10, publish=False)
    html = app.test_client().get("/stats").get_data(as_text=True)
    assert "智能制造冠名班" in html and "草稿冠名班" not in html
    assert re.search(r'data-testid="named-class-seats">45<', html)
    rows = list(
        csv.reader(io.StringIO(app.test_client().get("/stats/named_classes.csv").data.decode("utf-8-sig")))
    )
    assert rows[1][:4] == ["智能制造冠名班", staff.organisation.name, hr.organisation.name, "45"]


# --- the yearly report -------------------------------------------------------------------


def test_report_workbook_opens_with_the_expected_sheets(app, demo):
    from openpyxl import load_workbook

    client = client_for(app, DEMO_ADMIN, DEMO_PASSWORD)
    client.post("/lang", data={"lang": "en"})
    response = client.get("/admin/dashboard/report.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == [
        "Targets",
        "By school",
        "By industry",
        "By town",
        "Trend",
        "Inputs",
        "Internship outcomes",
        "Demand and intake by group",
        "Demand and intake by major",
        "New majors the plan names",
        "Demand and intake by town",
        "Demand and intake by industry",
        "Double-qualified teachers",
        "Training (育训并举)",  # issue 28
    ]
    training = list(workbook["Training (育训并举)"].iter_rows(values_only=True))
    assert training[0][:3] == ("Group", "Name", "Started") and training[1][0] == "District"
    assert all(row[-1] for row in training[1:])  # every line names its source records
    targets = list(workbook["Targets"].iter_rows(values_only=True))
    by_label = {row[0]: row for row in targets[1:]}
    assert by_label["Full-time teachers (secondary vocational)"][1] == figure("full_time_teachers").value
    assert by_label["Full-time teachers (secondary vocational)"][2] == 230
    inputs = list(workbook["Inputs"].iter_rows(values_only=True))
    assert any("演示数据" in str(row[3]) for row in inputs[1:])
    trend = list(workbook["Trend"].iter_rows(values_only=True))
    assert statistics.current_period() in trend[0]


def test_report_workbook_in_chinese_has_one_sheet_per_topic(app, demo):
    from openpyxl import load_workbook

    client = client_for(app, DEMO_ADMIN, DEMO_PASSWORD)
    workbook = load_workbook(io.BytesIO(client.get("/admin/dashboard/report.xlsx").data))
    assert len(workbook.sheetnames) == 14 and workbook.sheetnames[-2:] == ["双师型教师", "育训并举"]


@pytest.mark.parametrize(("lang", "html_lang"), [("zh", "zh-CN"), ("en", "en")])
def test_printable_report_in_both_languages(app, demo, lang, html_lang):
    client = client_for(app, DEMO_ADMIN, DEMO_PASSWORD)
    client.post("/lang", data={"lang": lang})
    response = client.get("/admin/dashboard/report")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'lang="{html_lang}"' in html and 'data-testid="yearly-report"' in html
    assert "莱芜政发〔2020〕5号" in html and "<svg" in html and 'data-testid="report-by-town"' in html
    assert " style=" not in html
    css = (DEMO_FILE.parents[2] / "static" / "css" / "app.css").read_text(encoding="utf-8")
    assert "@media print" in css and "app.css" in html


# --- pilots ------------------------------------------------------------------------------


def test_pilot_figures_and_public_pilots_follow_the_decisions(app, build, admin_client):
    from portal.pilots import services as pilots

    staff, hr = build.school(), build.enterprise()
    admin = build.admin()
    cooperation = _cooperation(staff, hr, "order_class", 40, title="智能制造一体化试点")
    assert figure("pilot_partnerships").value == 0 and figure("pilot_enterprises").value == 0
    plan = pilots.PilotPlan(goals="共建产线", content="工学交替", resources="设备", timeline="三年")
    pilot = pilots.create_pilot(staff, cooperation.id, plan)
    pilots.submit_pilot(staff, pilot.id)
    application = pilots.apply_as_pilot_enterprise(hr, "与学校共建订单班和实训基地。")
    db.session.commit()
    assert figure("pilot_partnerships").value == 0 and figure("pilot_enterprises").value == 0  # waiting
    assert "智能制造一体化试点" not in app.test_client().get("/stats").get_data(as_text=True)

    pilots.approve_pilot(admin, pilot.id)
    # Recommended is not confirmed: only the province's recorded decision counts (590 Art. 4).
    pilots.recommend_enterprise(
        admin, application.id, "推荐", today=checks.district_today() - timedelta(days=9)
    )
    db.session.commit()
    assert figure("pilot_enterprises").value == 0
    decision = pilots.ProvincialDecision(True, "鲁发改社会〔2026〕1号", checks.district_today())
    pilots.record_provincial_decision(admin, application.id, decision)
    db.session.commit()
    html = admin_client.get("/admin/dashboard").get_data(as_text=True)
    assert shown(html, "pilot_partnerships") == "1" and shown(html, "pilot_enterprises") == "1"
    public = app.test_client().get("/stats").get_data(as_text=True)
    assert 'data-testid="stats-pilots"' in public and "智能制造一体化试点" in public
    rows = list(csv.reader(io.StringIO(app.test_client().get("/stats/pilots.csv").data.decode("utf-8-sig"))))
    assert rows[1][:3] == ["智能制造一体化试点", staff.organisation.name, hr.organisation.name]

    pilots.revoke_enterprise(admin, application.id, "不再符合条件")
    db.session.commit()
    assert figure("pilot_enterprises").value == 0

    # Once the notice period is over the pilot is final, unless an objection is still unanswered
    # (the model says when a pilot is final; the figure asks it).
    pilot.notice_starts_on = checks.district_today() - timedelta(days=8)
    pilot.notice_ends_on = checks.district_today() - timedelta(days=1)
    db.session.commit()
    with force_locale("en"):
        assert figure("pilot_partnerships").detail == "1 final, 0 in the notice period"
        pilot.open_objections = 1
        db.session.commit()
        assert figure("pilot_partnerships").detail == "0 final, 1 in the notice period"


def test_charts_are_escaped_svg_without_inline_style():
    from portal.platform import charts

    bars = charts.bar_chart([("<script>x</script>", 3), ("空", None)], 'a"b')
    assert "<script>" not in bars and "&lt;script&gt;" in bars and "style=" not in bars
    assert bars.count('class="chart-bar"') == 2  # the missing value is drawn as an empty row
    line = charts.line_chart([(f"2026-{m:02d}", float(m)) for m in range(1, 13)] * 3, "trend")
    assert "style=" not in line and line.count('class="chart-label"') <= 15
    assert charts.progress_bar(None, "x") == "" and 'width="100.0"' in charts.progress_bar(1.5, "done")
