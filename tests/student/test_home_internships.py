"""A student follows their internships (user review): the home lists each application or placement
with its state and what waits on the student, linking to it; a placement's 下一步 card says, in every
state, what happens next and who acts, or is left out when nothing more happens."""

from __future__ import annotations

import re

from portal.extensions import db
from portal.internships import services as internships
from tests.conftest import client_for
from tests.internships.test_internships import (  # noqa: F401
    PDF,
    TODAY,
    applied,
    approve,
    grade_both,
    internship_posting,
    running,
    sign_all,
    terms,
    world,
)
from tests.platform.test_bounded_pages import counted


def home_rows(client) -> list[str]:
    html = client.get("/student/").get_data(as_text=True)
    section = html.split('data-testid="home-internships"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<li data-testid="home-internship".*?</li>', section, flags=re.S)


def test_the_home_lists_each_internship_with_its_state_and_what_waits_on_the_student(app, world):  # noqa: F811
    client = client_for(app, world.student)
    assert home_rows(client) == []
    enterprise = world.hr.organisation.name
    first = applied(world)

    [row] = home_rows(client)
    assert f'href="/student/internships/{first.id}"' in row and 'data-state="applied"' in row
    assert "已申请" in row  # the state's label, from PlacementStatus
    assert f"等待{enterprise}筛选申请。" in row and 'data-testid="home-internship-todo"' not in row

    internships.offer(world.hr, first.id, terms())
    db.session.commit()
    [row] = home_rows(client)
    assert "已发录用" in row
    todo = row.split('data-testid="home-internship-todo"', 1)[1]
    assert "待你处理" in todo and "答复录用" in todo

    # The user review: an accepted offer and a second application; both stay on the home.
    internships.answer(world.student, first.id, accept=True)
    second = applied(world, posting=internship_posting(world.hr, title="装配岗位实习"))
    rows = home_rows(client)
    assert len(rows) == 2
    # What waits on the student comes first: the signed consent of the accepted offer.
    assert f"/student/internships/{first.id}" in rows[0] and "已接受录用" in rows[0]
    assert "待你处理" in rows[0] and "知情同意书" in rows[0]
    assert f"/student/internships/{second.id}" in rows[1] and "已申请" in rows[1]

    internships.upload_consent(world.student, first.id, own=PDF, guardian=PDF)
    db.session.commit()
    first_row = next(r for r in home_rows(client) if f'/student/internships/{first.id}"' in r)
    assert "待你处理" not in first_row
    assert f"等待{world.staff.organisation.name}审批实习。" in first_row


def test_a_running_internship_asks_for_this_weeks_log_on_the_home(app, world):  # noqa: F811
    placement = running(world)
    client = client_for(app, world.student)
    [row] = home_rows(client)
    assert "待你处理" in row and "本周的实习周志" in row
    internships.add_entry(world.student, placement.id, "log", TODAY, "学习了焊接机器人示教。", today=TODAY)
    db.session.commit()
    [row] = home_rows(client)
    assert "待你处理" not in row and "本周实习周志已填写" in row


def _next_step(client, area: str, placement_id: int) -> str | None:
    """The 下一步 card's line, or None when the page has no such card."""
    html = client.get(f"/{area}/internships/{placement_id}").get_data(as_text=True)
    if 'data-testid="placement-actions"' not in html:
        return None
    card = html.split('data-testid="placement-actions"', 1)[1].split("</section>", 1)[0]
    found = re.search(r'data-testid="next-step">(.*?)</p>', card, flags=re.S)
    assert found, f"an empty 下一步 card for {area}"
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def test_after_applying_the_next_step_card_says_the_enterprise_screens(app, world):  # noqa: F811
    placement = applied(world)
    enterprise = world.hr.organisation.name
    student = _next_step(client_for(app, world.student), "student", placement.id)
    assert student == f"等待{enterprise}筛选申请。"
    hr = _next_step(client_for(app, world.hr), "enterprise", placement.id)
    assert hr.startswith("待你处理") and "列入候选" in hr
    school = _next_step(client_for(app, world.staff), "school", placement.id)
    assert school == f"等待{enterprise}筛选申请。"


def test_every_state_says_what_is_next_and_who_acts(app, world):  # noqa: F811
    placement = applied(world)
    clients = {
        "student": client_for(app, world.student),
        "enterprise": client_for(app, world.hr),
        "school": client_for(app, world.staff),
    }

    def lines() -> dict[str, str | None]:
        return {area: _next_step(client, area, placement.id) for area, client in clients.items()}

    def turn(found: dict) -> set[str]:
        return {area for area, line in found.items() if line and line.startswith("待你处理")}

    steps = [
        lambda: internships.shortlist(world.hr, placement.id),
        lambda: internships.offer(world.hr, placement.id, terms()),
        lambda: internships.answer(world.student, placement.id, accept=True),
        lambda: approve(world, placement),
    ]
    expected_turns = [{"enterprise"}, {"student"}, {"student", "school"}, {"student", "enterprise", "school"}]
    for step, whose in zip(steps, expected_turns, strict=True):
        step()
        db.session.commit()
        found = lines()
        assert all(found.values()), found
        assert turn(found) == whose, (placement.status, found)
    sign_all(world, placement)
    db.session.commit()
    found = lines()
    assert turn(found) == {"enterprise", "school"} and "开始实习" in found["student"]
    internships.start(world.hr, placement.id)
    grade_both(world, placement)
    db.session.commit()
    assert turn(lines()) == {"student", "enterprise", "school"}  # the log; completing it
    internships.complete(world.staff, placement.id)
    db.session.commit()
    found = lines()
    assert turn(found) == {"enterprise", "school"} and all(found.values())
    internships.hire(world.hr, placement.id)
    db.session.commit()
    # Nothing more happens: no 下一步 card, the agreement and the destination still in reach.
    assert lines() == {"student": None, "enterprise": None, "school": None}
    html = clients["student"].get(f"/student/internships/{placement.id}").get_data(as_text=True)
    record = html.split('data-testid="placement-record"', 1)[1].split("</section>", 1)[0]
    assert 'data-testid="agreement-link"' in record and 'data-testid="destination"' in record


def test_the_homes_internships_cost_the_same_queries_for_one_and_three(app, world):  # noqa: F811
    running(world)
    client = client_for(app, world.student)
    client.get("/student/")  # warm what a process keeps between requests

    def queries() -> int:
        with counted() as count:
            assert client.get("/student/").status_code == 200
        return count[0]

    one = queries()
    for title in ("装配岗位实习", "涂装岗位实习"):
        applied(world, posting=internship_posting(world.hr, title=title))
    assert len(home_rows(client)) == 3
    assert queries() == one
