"""Enterprise demand postings: HR life cycle, validation, ownership, public search and directory."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.internships import services as internships
from portal.models import Posting, PostingKind
from portal.platform import checks
from portal.postings import services as postings
from tests.conftest import Builders, en_client

KINDS = [k.value for k in PostingKind]
TODAY = checks.district_today()


def day(n: int) -> str:
    return (TODAY + timedelta(days=n)).isoformat()


# What the HR form sends for each kind's own fields.
KIND_FORM = {
    "order_class": {
        "major": "焊接技术应用",
        "class_name": "山东重工智能制造冠名班",
        "years": "3",
        "benefits": ["scholarship", "guaranteed_job"],
        "expectations": "能适应倒班",
    },
    "apprenticeship": {
        "rotation": "校内2个月、企业2个月交替",
        "stipend": "1500",
        "mentors-0-name": "王师傅",
        "mentors-0-skills": "氩弧焊",
        "mentors-0-title": "technician",
    },
    "internship": {
        "positions": "焊工、装配工",
        "months": "6",
        "pay": "3200",
        "lodging": "y",
        "post_staff_count": "40",
        "venue": "workplace",
        "channel": "direct",
        "intensity": "2",
        "hazards": "none",
        "minors_forbidden": "no",
        "women_forbidden": "no",
    },
    "part_time_teacher": {
        "experts-0-name": "李工",
        "experts-0-expertise": "机器人焊接编程",
        "experts-0-title": "senior_technician",
        "experts-0-hours": "40",
    },
    "staff_training": {
        "courses": "不锈钢氩弧焊",
        "target_groups": ["veterans", "disabled"],
        "schedule": "周末",
    },
}


def form_data(kind: str, **overrides) -> dict:
    data = {
        "title": f"测试{kind}岗位",
        "description": "描述",
        "skills": "焊接, 装配、焊接",
        "certificates": "特殊焊接技术",
        "headcount": "20",
        "town": "gaozhuang",
        "start_date": day(60),
        "end_date": day(240),
        "deadline": day(30),
        **KIND_FORM[kind],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def count_postings() -> int:
    return db.session.scalar(select(func.count()).select_from(Posting))


# --- life cycle through the HR pages -------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_created_published_and_listed(app, build, kind):
    hr = build.enterprise(name="山东重工")
    client = en_client(app, hr)
    assert client.get(f"/enterprise/postings/new/{kind}").status_code == 200
    response = client.post(f"/enterprise/postings/new/{kind}", data=form_data(kind))
    assert response.status_code == 302, response.get_data(as_text=True)
    posting = db.session.scalar(select(Posting))
    assert posting.kind == kind and posting.is_draft and posting.enterprise_id == hr.organisation_id
    assert posting.skills == "焊接、装配"
    assert posting.details == postings.clean_details(kind, posting.details)

    assert client.post(f"/enterprise/postings/{posting.id}/publish").status_code == 302
    db.session.refresh(posting)
    assert posting.is_published and posting.published_at is not None

    public = app.test_client()
    assert posting.title in public.get("/postings").get_data(as_text=True)
    detail = public.get(f"/postings/{posting.id}").get_data(as_text=True)
    assert posting.title in detail and "山东重工" in detail


def test_named_class_details_shown(app, build):
    hr = build.enterprise()
    client = en_client(app, hr)
    client.post("/enterprise/postings/new/order_class", data=form_data("order_class"))
    posting = db.session.scalar(select(Posting))
    assert posting.is_named_class
    assert posting.details["benefits"] == ["scholarship", "guaranteed_job"]
    client.post(f"/enterprise/postings/{posting.id}/publish")
    page = en_client(app).get(f"/postings/{posting.id}").get_data(as_text=True)
    assert "山东重工智能制造冠名班" in page and "Guaranteed job after graduation" in page


def test_edit_keeps_status_and_close_is_final(app, build):
    hr = build.enterprise()
    posting = Builders.posting(hr, "internship")
    client = en_client(app, hr)
    assert client.get(f"/enterprise/postings/{posting.id}/edit").status_code == 200
    response = client.post(
        f"/enterprise/postings/{posting.id}/edit", data=form_data("internship", title="改过的标题")
    )
    assert response.status_code == 302
    db.session.refresh(posting)
    assert posting.title == "改过的标题" and posting.is_published
    assert "改过的标题" in posting.search.search_text

    assert client.post(f"/enterprise/postings/{posting.id}/close").status_code == 302
    db.session.refresh(posting)
    assert posting.is_closed
    response = client.post(
        f"/enterprise/postings/{posting.id}/edit", data=form_data("internship", title="再改")
    )
    assert response.status_code == 400
    assert "A closed posting can no longer be changed." in response.get_data(as_text=True)
    db.session.refresh(posting)
    assert posting.title == "改过的标题"
    response = client.post(f"/enterprise/postings/{posting.id}/close")
    assert response.status_code == 400 and "already closed" in response.get_data(as_text=True)


def test_extra_fields_are_ignored(app, build):
    hr = build.enterprise()
    other = build.enterprise()
    client = en_client(app, hr)
    data = form_data(
        "internship", status="published", enterprise_id=str(other.organisation_id), search_text="x"
    )
    assert client.post("/enterprise/postings/new/internship", data=data).status_code == 302
    posting = db.session.scalar(select(Posting))
    assert posting.is_draft and posting.enterprise_id == hr.organisation_id


def test_unknown_kind_is_404(app, build):
    client = en_client(app, build.enterprise())
    assert client.get("/enterprise/postings/new/lottery").status_code == 404


# --- bad input: a clear message, 400, nothing saved ------------------------------------

BAD_INPUT = [
    ("internship", {"headcount": "-5"}, "Headcount must be between 1 and 1000."),
    ("internship", {"headcount": "100000"}, "Headcount must be between 1 and 1000."),
    ("internship", {"headcount": "abc"}, "Enter a whole number."),
    ("internship", {"headcount": ""}, "Headcount is required."),
    ("internship", {"pay": "-100"}, "Monthly pay must be between 0 and 30000."),
    ("internship", {"months": "48"}, "Period must be between 1 and 12."),
    ("order_class", {"years": "50"}, "Years of training must be between 1 and 6."),
    ("apprenticeship", {"stipend": "-1"}, "Monthly stipend must be between 0 and 20000."),
    ("part_time_teacher", {"experts-0-hours": "100000"}, "Hours a term must be between 1 and 600."),
    (
        "part_time_teacher",
        {"experts-0-name": "", "experts-0-expertise": "", "experts-0-title": "", "experts-0-hours": ""},
        "Experts who can teach: add at least one person.",
    ),
    ("apprenticeship", {"mentors-0-title": "grand_master"}, "Title: please choose a valid value."),
    ("staff_training", {"target_groups": ["aliens"]}, "Target groups: please choose a valid value."),
    ("internship", {"start_date": day(100), "end_date": day(50)}, "The end date is before the start date."),
    ("internship", {"deadline": day(-1)}, "The application deadline is in the past."),
    ("internship", {"deadline": ""}, "Application deadline is required."),
    ("internship", {"deadline": "2026-13-45"}, "Enter a date (YYYY-MM-DD)."),
    ("internship", {"end_date": day(365 * 20)}, "End date is more than 5 years ahead."),
    ("internship", {"title": ""}, "Title is required."),
    ("internship", {"title": "长" * 121}, "Title is too long (at most 120 characters)."),
    ("internship", {"description": "x" * 4001}, "Description is too long (at most 4000 characters)."),
    ("internship", {"skills": "焊" * 61}, "Skills: each item at most 60 characters"),
    ("internship", {"town": "atlantis"}, "Please choose a valid town or street."),
    ("order_class", {"major": ""}, "Major wanted is required."),
]


@pytest.mark.parametrize(("kind", "change", "message"), BAD_INPUT)
def test_bad_input_is_refused_with_a_message(app, build, kind, change, message):
    client = en_client(app, build.enterprise())
    response = client.post(f"/enterprise/postings/new/{kind}", data=form_data(kind, **change))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count_postings() == 0


def test_bad_edit_changes_nothing(app, build):
    hr = build.enterprise()
    posting = Builders.posting(hr, "internship", headcount=10)
    client = en_client(app, hr)
    response = client.post(
        f"/enterprise/postings/{posting.id}/edit", data=form_data("internship", headcount="-3")
    )
    assert response.status_code == 400
    db.session.refresh(posting)
    assert posting.headcount == 10


def test_script_tags_are_shown_escaped(app, build):
    hr = build.enterprise()
    payload = "<script>alert('x')</script>"
    posting = Builders.posting(hr, "internship", title=f"焊工{payload}", description=payload, skills=payload)
    for url in ("/postings", f"/postings/{posting.id}", f"/enterprises/{hr.organisation_id}"):
        html = app.test_client().get(url).get_data(as_text=True)
        assert "<script>alert" not in html, url
        assert "&lt;script&gt;alert" in html, url
    html = en_client(app, hr).get("/enterprise/postings").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


# --- ownership ---------------------------------------------------------------------


def test_foreign_posting_is_404_and_unchanged(app, build):
    owner = build.enterprise()
    intruder = build.enterprise()
    draft = Builders.posting(owner, "internship", publish=False, title="甲的草稿")
    live = Builders.posting(owner, "order_class", title="甲的订单班")
    client = en_client(app, intruder)
    assert client.get(f"/enterprise/postings/{draft.id}/edit").status_code == 404
    posted = client.post(
        f"/enterprise/postings/{draft.id}/edit", data=form_data("internship", title="乙改的")
    )
    assert posted.status_code == 404
    assert client.post(f"/enterprise/postings/{draft.id}/publish").status_code == 404
    assert client.post(f"/enterprise/postings/{live.id}/close").status_code == 404
    assert client.post("/enterprise/postings/999999/close").status_code == 404
    db.session.refresh(draft)
    db.session.refresh(live)
    assert (draft.title, draft.status) == ("甲的草稿", "draft")
    assert (live.title, live.status) == ("甲的订单班", "published")
    assert "甲的草稿" not in client.get("/enterprise/postings").get_data(as_text=True)


def test_only_enterprise_hr_reaches_the_posting_pages(app, build):
    school = build.school()
    client = en_client(app, school)
    assert client.get("/enterprise/postings").status_code == 403
    assert app.test_client().get("/enterprise/postings").status_code == 302


def test_pending_enterprise_saves_drafts_but_cannot_publish(app, build):
    hr = build.enterprise(verified=False)
    client = en_client(app, hr)
    page = client.get("/enterprise/postings").get_data(as_text=True)
    assert "you can save drafts but not publish" in page
    assert client.post("/enterprise/postings/new/internship", data=form_data("internship")).status_code == 302
    posting = db.session.scalar(select(Posting))
    response = client.post(f"/enterprise/postings/{posting.id}/publish")
    assert response.status_code == 400
    assert "has not been verified yet" in response.get_data(as_text=True)
    db.session.refresh(posting)
    assert posting.is_draft
    assert app.test_client().get(f"/postings/{posting.id}").status_code == 404


def test_publishing_after_the_deadline_is_refused(app, build):
    hr = build.enterprise()
    posting = Builders.posting(
        hr, publish=False, deadline=TODAY - timedelta(days=1), today=TODAY - timedelta(days=5)
    )
    response = en_client(app, hr).post(f"/enterprise/postings/{posting.id}/publish")
    assert response.status_code == 400
    assert "deadline has passed" in response.get_data(as_text=True)


def test_a_refused_publication_opens_the_form_with_each_missing_answer_beside_its_field(app, build):
    """Publishing from the list an internship whose rules answers are missing: its form, each answer
    marked where it is asked (not six identical messages on the list), and saving it publishes."""
    hr = build.enterprise()
    client = en_client(app, hr)
    draft = form_data("internship", venue=None, channel=None, hazards=None)
    assert client.post("/enterprise/postings/new/internship", data=draft).status_code == 302
    posting = db.session.scalar(select(Posting))

    response = client.post(f"/enterprise/postings/{posting.id}/publish")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Complete the fields marked below, then save and publish." in page
    assert f'action="/enterprise/postings/{posting.id}/edit"' in page
    for key in ("venue", "channel"):
        assert re.search(
            rf'id="{key}-error"><p class="error">Answer this before the internship is published', page
        )
    assert page.count("Answer this before the internship is published") == 3  # hazards too, nothing else
    assert 'value="焊工、装配工"' in page  # the stored values, not the publish request's empty form
    db.session.refresh(posting)
    assert posting.is_draft

    done = client.post(
        f"/enterprise/postings/{posting.id}/edit", data={**form_data("internship"), "publish": "1"}
    )
    assert done.status_code == 302
    db.session.refresh(posting)
    assert posting.is_published


def test_save_and_publish_is_one_step_or_nothing(app, build):
    hr = build.enterprise()
    client = en_client(app, hr)
    form = client.get("/enterprise/postings/new/internship").get_data(as_text=True)
    assert 'data-testid="save-and-publish"' in form
    assert form.count("Required to publish") == 6

    refused = client.post(
        "/enterprise/postings/new/internship",
        data={**form_data("internship", intensity=None), "publish": "1"},
    )
    assert refused.status_code == 400
    assert re.search(r'id="intensity-error"><p class="error">Answer this', refused.get_data(as_text=True))
    assert count_postings() == 0  # not even the draft: the publication was refused

    saved = client.post(
        "/enterprise/postings/new/internship", data={**form_data("internship"), "publish": "1"}
    )
    assert saved.status_code == 302
    assert db.session.scalar(select(Posting)).is_published

    pending = en_client(app, build.enterprise(verified=False)).get("/enterprise/postings/new/internship")
    assert 'data-testid="save-and-publish"' not in pending.get_data(as_text=True)


def test_save_and_publish_reports_every_problem_at_once(app, build):
    """Every field wrong, the publish button pressed: the first answer shows them all, the answers
    publishing needs among them (not in a second round once the rest is right)."""
    client = en_client(app, build.enterprise())
    wrong = form_data(
        "internship", title="", headcount="0", town="nowhere", deadline=day(-1), venue=None, channel=None
    )
    page = client.post(
        "/enterprise/postings/new/internship",
        data={**wrong, "pay": "3000", "post_wage": "5000", "publish": "1"},
    )
    assert page.status_code == 400
    marked = set(re.findall(r'id="([a-z_]+)-error"', page.text))
    assert {"title", "headcount", "town", "deadline", "venue", "channel", "pay"} <= marked, marked
    assert count_postings() == 0


def test_more_interns_than_the_shares_allow_at_once_is_said_when_saving(app, build):
    """20 interns on a post of 40 employees (20 %: 8 at a time) in an enterprise of 150 (10 %: 15):
    both said as warnings, since the offers' dates may stagger them; the posting is saved."""
    hr = build.enterprise()
    client = en_client(app, hr)
    internships.record_staff(hr, 150)
    db.session.commit()
    response = client.post(
        "/enterprise/postings/new/internship", data=form_data("internship"), follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert (
        "20 interns are more than 20 % of the 40 employees on this post: at most 8 can be on it at a time"
        in page
    )
    assert "20 interns are more than 10 % of the enterprise&#39;s 150 employees: at most 15" in page
    assert db.session.scalar(select(Posting)).is_draft

    quiet = client.post(
        "/enterprise/postings/new/internship",
        data=form_data("internship", headcount="8", title="八人岗位"),
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "interns are more than" not in quiet


def test_an_advertised_pay_below_80_percent_of_the_post_s_wage_is_refused_when_saved(app, build):
    """Art. 18: the offer was refused for it; the posting that advertised it was not."""
    hr = build.enterprise()
    client = en_client(app, hr)
    low = form_data("internship", pay="3200", post_wage="4500")
    page = client.post("/enterprise/postings/new/internship", data=low).get_data(as_text=True)
    assert re.search(r'id="pay-error"><p class="error">The pay must be at least 80 % of the same post', page)
    assert "at least 3600 yuan (Art. 18)" in page
    assert count_postings() == 0
    exact = form_data("internship", pay="3200", post_wage="4000")
    assert client.post("/enterprise/postings/new/internship", data=exact).status_code == 302
    assert db.session.scalar(select(Posting)).details["post_wage"] == 4000


def test_an_internship_page_tells_a_visitor_how_to_apply_and_folds_its_rules(app, build):
    hr = build.enterprise()
    posting = Builders.posting(hr, "internship")
    page = en_client(app).get(f"/postings/{posting.id}").get_data(as_text=True)
    assert 'data-testid="log-in-to-apply"' in page and f"/auth/login?next=/postings/{posting.id}" in page
    assert '<details class="folded">' in page and 'data-rule="share"' in page  # folded, still there
    assert "✓" not in page  # the rules are what is checked, not a result already checked
    assert '<a href="/internships/">' in page  # back to the internships, not to every posting

    student = en_client(app, build.student(build.school()))
    page = student.get(f"/postings/{posting.id}").get_data(as_text=True)
    assert "log-in-to-apply" not in page and f"/student/internships/apply/{posting.id}" in page
    apply = student.get(f"/student/internships/apply/{posting.id}").get_data(as_text=True)
    assert '<details class="folded" open>' in apply  # read before applying


# --- public search -----------------------------------------------------------------


def titles(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_search_finds_chinese_substrings(app, build):
    heavy = build.enterprise(name="山东重工")
    care = build.enterprise(name="颐康养老")
    Builders.posting(heavy, "order_class", title="智能制造冠名班", skills="熔化极气体保护焊接、装配")
    Builders.posting(heavy, "internship", title="自动化产线实习", description="学习工业机器人示教编程")
    Builders.posting(care, "apprenticeship", title="养老护理学徒", skills="老年照护")
    client = app.test_client()

    page = titles(client.get("/postings?q=焊接"))
    assert "智能制造冠名班" in page and "自动化产线实习" not in page and "养老护理学徒" not in page
    page = titles(client.get("/postings?q=机器人"))
    assert "自动化产线实习" in page and "智能制造冠名班" not in page
    page = titles(client.get("/postings?q=重工"))  # the enterprise's name
    assert "智能制造冠名班" in page and "自动化产线实习" in page and "养老护理学徒" not in page
    page = titles(client.get("/postings?q=学徒制"))  # the kind's Chinese name
    assert "养老护理学徒" in page and "智能制造冠名班" not in page
    page = titles(client.get("/postings?q=重工+机器人"))  # every word must match
    assert "自动化产线实习" in page and "智能制造冠名班" not in page
    page = titles(client.get("/postings?q=100%25"))  # LIKE wildcards are literal
    assert "智能制造冠名班" not in page


def test_a_search_is_read_as_the_words_it_is_made_of(app, build):
    """数控操作工 is 数控 and 操作工: it finds 数控机床操作工, which holds neither the string nor its
    bigram 控操; each word must still be there (数控焊工: no 焊工 in that posting)."""
    hr = build.enterprise(name="山东重工")
    Builders.posting(hr, "internship", title="数控机床操作工岗位实习")
    Builders.posting(hr, "internship", title="装配线操作工岗位实习")
    client = app.test_client()
    page = titles(client.get("/postings?q=数控操作工"))
    assert "数控机床操作工岗位实习" in page and "装配线操作工岗位实习" not in page
    assert "数控机床操作工岗位实习" not in titles(client.get("/postings?q=数控焊工"))


def test_search_is_case_insensitive_for_latin_text(app, build):
    hr = build.enterprise()
    Builders.posting(hr, title="PLC 编程实习", skills="Siemens S7")
    assert "PLC 编程实习" in titles(app.test_client().get("/postings?q=siemens"))
    assert "PLC 编程实习" in titles(app.test_client().get("/postings?q=plc"))


def test_filters(app, build):
    a = build.enterprise()
    b = build.enterprise()
    a.organisation.industry = "care"
    Builders.posting(a, "staff_training", title="培训甲", town="kouzhen", certificates="老年照护")
    Builders.posting(b, "internship", title="实习乙", town="gaozhuang", certificates="特殊焊接技术")
    Builders.posting(b, "staff_training", title="培训丙", town="gaozhuang")
    client = app.test_client()

    def found(query: str) -> set[str]:
        page = titles(client.get("/postings?" + query))
        return {t for t in ("培训甲", "实习乙", "培训丙") if t in page}

    assert found("kind=staff_training") == {"培训甲", "培训丙"}
    assert found("kind=staff_training&town=gaozhuang") == {"培训丙"}
    assert found("industry=care") == {"培训甲"}
    assert found("industry=equipment") == {"实习乙", "培训丙"}
    assert found("cert=焊接") == {"实习乙"}
    assert found(f"enterprise={a.organisation_id}") == {"培训甲"}
    assert found("kind=bogus&town=nowhere&sort=evil&page=x") == {"培训甲", "实习乙", "培训丙"}


def test_sorting(app, build):
    hr = build.enterprise()
    Builders.posting(hr, title="较晚截止", headcount=5, deadline=TODAY + timedelta(days=60))
    Builders.posting(hr, title="最早截止", headcount=50, deadline=TODAY + timedelta(days=3))
    Builders.posting(hr, title="最新发布", headcount=20, deadline=TODAY + timedelta(days=30))
    client = app.test_client()

    def order(sort: str) -> list[str]:
        page = titles(client.get(f"/postings?sort={sort}"))
        return sorted(("较晚截止", "最早截止", "最新发布"), key=page.index)

    assert order("deadline") == ["最早截止", "最新发布", "较晚截止"]
    assert order("headcount") == ["最早截止", "最新发布", "较晚截止"]
    assert order("newest")[0] == "最新发布"


def test_a_search_comes_best_match_first_unless_asked_for_the_newest(app, build):
    """The list's first order is 最相关 (best match, then the newest); 最新 is the newest, search or
    not, as its label says."""
    hr = build.enterprise()
    Builders.posting(hr, title="焊接岗位", skills="焊接")
    Builders.posting(hr, title="装配岗位", skills="焊接基础")  # newer, the word only in its skills
    client = app.test_client()

    def order(args: str) -> list[str]:
        return sorted(("焊接岗位", "装配岗位"), key=titles(client.get(f"/postings?{args}")).index)

    assert order("q=焊接") == order("q=焊接&sort=relevance") == ["焊接岗位", "装配岗位"]
    assert order("q=焊接&sort=newest") == ["装配岗位", "焊接岗位"]
    assert order("") == ["装配岗位", "焊接岗位"]  # no words to match: the newest first
    page = client.get("/postings?q=焊接").get_data(as_text=True)
    assert re.search(r'<option value="relevance" selected>\s*最相关', page), "the order shown is the one used"


def test_pagination_keeps_the_filters(app, build):
    hr = build.enterprise()
    for i in range(postings.PER_PAGE + 5):
        Builders.posting(hr, title=f"焊接岗位{i:02d}", skills="焊接", publish=False)
    for posting in db.session.scalars(select(Posting)):
        postings.publish(posting)
    db.session.commit()
    client = app.test_client()
    first = titles(client.get("/postings?q=焊接&kind=internship"))
    assert first.count('data-testid="posting-card"') == postings.PER_PAGE
    assert "/postings?q=%E7%84%8A%E6%8E%A5&amp;kind=internship&amp;page=2" in first
    second = titles(client.get("/postings?q=焊接&kind=internship&page=2"))
    assert second.count('data-testid="posting-card"') == 5
    beyond = titles(client.get("/postings?q=焊接&kind=internship&page=99"))  # clamped to the last page
    assert beyond.count('data-testid="posting-card"') == 5


def test_drafts_closed_and_expired_are_never_listed(app, build):
    hr = build.enterprise()
    draft = Builders.posting(hr, title="焊接草稿", publish=False)
    closed = Builders.posting(hr, title="焊接已关闭")
    postings.close_posting(hr, closed.id)
    expired = Builders.posting(
        hr, title="焊接已截止", deadline=TODAY - timedelta(days=1), today=TODAY - timedelta(days=10)
    )
    live = Builders.posting(hr, title="焊接招聘中")
    db.session.commit()
    client = app.test_client()
    for query in ("/postings", "/postings?q=焊接", f"/enterprises/{hr.organisation_id}"):
        page = titles(client.get(query))
        assert "焊接招聘中" in page
        assert "焊接草稿" not in page and "焊接已关闭" not in page and "焊接已截止" not in page
    assert client.get(f"/postings/{draft.id}").status_code == 404
    assert client.get(f"/postings/{closed.id}").status_code == 404
    assert client.get(f"/postings/{live.id}").status_code == 200
    # A shared link to a published posting keeps working after its deadline, saying so.
    page = titles(en_client(app).get(f"/postings/{expired.id}"))
    assert "The application deadline has passed." in page


# --- enterprise directory ------------------------------------------------------------


def test_enterprise_directory(app, build):
    verified = build.enterprise(name="泰钢不锈钢产业园")
    pending = build.enterprise(name="待认证企业", verified=False)
    Builders.posting(verified, title="冷轧学徒")
    client = app.test_client()
    page = titles(client.get("/enterprises"))
    assert "泰钢不锈钢产业园" in page and "待认证企业" not in page
    assert "泰钢" in titles(client.get("/enterprises?q=不锈钢&industry=equipment&town=fengcheng"))
    assert "泰钢不锈钢产业园" not in titles(client.get("/enterprises?industry=pharma"))
    assert "冷轧学徒" in titles(client.get(f"/enterprises/{verified.organisation_id}"))
    assert client.get(f"/enterprises/{pending.organisation_id}").status_code == 404
    school = build.school()
    assert client.get(f"/enterprises/{school.organisation_id}").status_code == 404


# --- demo and synthetic data ---------------------------------------------------------


def test_demo_postings_load_twice_and_cover_every_kind(app, demo_first_load):
    from seed.loader import load_demo, remove_demo

    first = demo_first_load
    assert first["postings"] >= 10
    assert load_demo()["postings"] == 0
    db.session.commit()
    kinds = set(db.session.scalars(select(Posting.kind).where(Posting.status == "published")))
    assert kinds == set(KINDS)
    assert all(db.session.scalars(select(Posting.is_demo)))
    page = titles(app.test_client().get("/postings?q=焊接"))
    assert "山东重工智能制造冠名班" in page
    remove_demo()
    db.session.commit()
    assert count_postings() == 0


def test_synthetic_postings_of_every_kind(app):
    from seed.synthetic import generate

    summary = generate(20, postings_per_enterprise=5)
    db.session.commit()
    assert summary["postings"] == 100 == count_postings()
    assert set(db.session.scalars(select(Posting.kind))) == set(KINDS)
    assert generate(20, postings_per_enterprise=5)["postings"] == 0  # safe to run twice
    assert "posting-card" in titles(app.test_client().get("/postings?q=焊接"))
