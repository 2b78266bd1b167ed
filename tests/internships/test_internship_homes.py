"""Homes carry every internship step that waits on a person (issue 26): a student's pending offer
and this week's log, the school's approval of an accepted offer, HR's new applicants; each line
links to the list narrowed to that step, and no organisation counts another's."""

from __future__ import annotations

import re

from portal.extensions import db
from portal.internships import services as internships
from tests.conftest import client_for
from tests.internships.test_internships import TODAY, applied, running, terms, world  # noqa: F401


def waiting(app, user, key: str) -> tuple[int, str]:
    client = client_for(app, user)
    html = client.get(f"/{_area(user)}/").get_data(as_text=True)
    found = re.search(
        rf'data-testid="waiting-{key}">\s*<a href="([^"]+)"><span class="waiting-num"[^>]*>(\d+)<', html
    )
    assert found, f"no waiting-{key} on the home"
    return int(found.group(2)), found.group(1).replace("&amp;", "&")


def _area(user) -> str:
    return {"student": "student", "school_staff": "school", "enterprise_hr": "enterprise"}[user.role]


def test_each_waiting_internship_step_is_on_its_persons_home(app, world):  # noqa: F811
    placement = applied(world)
    db.session.commit()
    assert waiting(app, world.hr, "internship_applicants") == (1, "/enterprise/internships/?status=applied")

    internships.offer(world.hr, placement.id, terms())
    db.session.commit()
    assert waiting(app, world.hr, "internship_applicants")[0] == 0
    assert waiting(app, world.student, "internship_offers") == (1, "/student/internships/?status=offered")

    internships.answer(world.student, placement.id, accept=True)
    db.session.commit()
    assert waiting(app, world.student, "internship_offers")[0] == 0
    count, link = waiting(app, world.staff, "internship_approvals")
    assert (count, link) == (1, "/school/internships/?status=accepted")
    client = client_for(app, world.staff)
    listed = client.get(link).get_data(as_text=True)
    assert f"/school/internships/{placement.id}" in listed  # the step is one click further

    other_school, other_hr = world.build.school(), world.build.enterprise()
    assert waiting(app, other_school, "internship_approvals")[0] == 0
    assert waiting(app, other_hr, "internship_applicants")[0] == 0


def test_a_running_internship_asks_for_this_weeks_log_until_it_is_written(app, world):  # noqa: F811
    placement = running(world)
    assert waiting(app, world.student, "internship_logs") == (1, "/student/internships/?status=in_progress")
    internships.add_entry(world.student, placement.id, "log", TODAY, "学习了焊接机器人示教。", today=TODAY)
    db.session.commit()
    assert waiting(app, world.student, "internship_logs")[0] == 0


def test_the_list_narrowed_to_a_step_shows_only_that_step(app, world):  # noqa: F811
    first = applied(world)
    second_student = world.build.student(world.staff)
    applied(world, second_student)
    internships.offer(world.hr, first.id, terms())
    db.session.commit()
    client = client_for(app, world.hr)
    everything = client.get("/enterprise/internships/").get_data(as_text=True)
    # The pipeline's counts open the list narrowed to their step.
    assert '<a href="/enterprise/internships/?status=applied"><strong>1</strong>' in everything
    assert '<a href="/enterprise/internships/?status=offered"><strong>1</strong>' in everything
    page = client.get("/enterprise/internships/?status=applied").get_data(as_text=True)
    assert 'data-testid="placements-only"' in page
    assert 'href="/enterprise/internships/?status=applied" aria-current="true"' in page
    assert page.count('data-testid="placement-status"') == 1
    page = client.get("/enterprise/internships/?status=bogus").get_data(as_text=True)
    assert page.count('data-testid="placement-status"') == 2


def test_a_declined_placement_has_no_next_step_and_hr_links_only_to_profiles_that_exist(app, world):  # noqa: F811
    placement = applied(world)
    internships.offer(world.hr, placement.id, terms())
    internships.answer(world.student, placement.id, accept=False, reason="已选择其他企业")
    db.session.commit()
    for user, area in ((world.student, "student"), (world.hr, "enterprise")):
        client = client_for(app, user)
        page = client.get(f"/{area}/internships/{placement.id}").get_data(as_text=True)
        assert 'data-testid="placement-ended"' in page
        assert 'data-testid="placement-actions"' not in page and 'data-testid="agreement-link"' not in page
        if area == "enterprise":
            # The student wrote no profile: no link that would answer 404.
            assert 'data-testid="profile-link"' not in page


def test_the_agreement_prints_times_in_beijing_time():
    from datetime import UTC, datetime

    from portal.internships.agreement import beijing_time

    assert beijing_time(datetime(2026, 12, 6, 20, 30, tzinfo=UTC)).startswith("2026-12-07 04:30")
    assert beijing_time(datetime(2026, 12, 6, 20, 30)).startswith("2026-12-07 04:30")  # SQLite's naive UTC


def test_the_offer_form_starts_from_the_postings_dates_and_pay(app, world):  # noqa: F811
    from datetime import timedelta

    placement = applied(world)
    posting = placement.posting
    posting.start_date, posting.end_date = TODAY + timedelta(days=40), TODAY + timedelta(days=200)
    posting.details = {**posting.details, "pay": 3200}
    db.session.commit()
    client = client_for(app, world.hr)
    html = client.get(f"/enterprise/internships/{placement.id}").get_data(as_text=True)
    form = html.split('data-testid="offer-form"', 1)[1].split("</form>", 1)[0]
    for name, day in (("starts_on", posting.start_date), ("ends_on", posting.end_date)):
        assert re.search(rf'name="{name}"[^>]*value="{day.isoformat()}"', form), name
    assert re.search(r'name="pay_monthly"[^>]*value="3200"', form)


def test_a_school_term_reads_in_the_pages_language(app):
    from portal.templating import term_label

    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        assert term_label("2026年秋季学期") == "Autumn term 2026"
        assert term_label("2027年春季学期") == "Spring term 2027"
        assert term_label("第二学期") == "第二学期"  # typed by a school: shown as typed


def test_a_student_in_another_internship_gets_a_conflict_warning(app, world):  # noqa: F811
    from portal.internships.services import warnings
    from tests.internships.test_internships import internship_posting

    first = running(world)

    other = internship_posting(world.hr, title="第二个实习岗位")
    second = applied(world, posting=other)
    db.session.commit()
    found = [str(w) for w in warnings(second)]
    assert any(first.posting.title in w for w in found), found
    client = client_for(app, world.staff)
    internships.offer(world.hr, second.id, terms())
    db.session.commit()
    page = client.get(f"/school/internships/{second.id}").get_data(as_text=True)
    assert first.posting.title in page.split('data-testid="rule-warnings"', 1)[1].split("</section>", 1)[0]
