"""Public /majors and /schools: substring search, filters, sorting, pages, details, visibility."""

from __future__ import annotations

import re

import pytest

from portal.extensions import db
from portal.programs import records as school_records
from portal.programs import services as programs


def publish_all(user, **fields_by_name) -> None:
    for program in user.organisation.programs:
        for key, value in fields_by_name.get(program.name, {}).items():
            setattr(program, key, value)
        programs.publish_program(program)
    db.session.commit()


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def names(html: str) -> list[str]:
    """The majors listed (each shown with its catalogue code beside the name)."""
    return re.findall(r'<h2><a href="/majors/\d+"><span class="code">\d{6}K?</span> ([^<]+)</a></h2>', html)


@pytest.fixture
def schools(build):
    laiwu = build.school(name="莱芜职业中专", programs=("工业机器人技术应用", "焊接技术应用", "护理"))
    publish_all(
        laiwu,
        **{
            "工业机器人技术应用": {
                "skills": "机器人示教编程",
                "certificates": "工业机器人操作与运维",
                "intake_capacity": 80,
            },
            "焊接技术应用": {"description": "焊条电弧焊与气体保护焊", "intake_capacity": 50},
            "护理": {"certificates": "老年照护", "intake_capacity": 100},
        },
    )
    tech = build.school(name="凤城技工学校", programs=("机电技术应用", "电子商务"))
    tech.organisation.town = "fengcheng"
    publish_all(tech, **{"机电技术应用": {"skills": "焊接与装配"}})
    pending = build.school(name="待审学校", verified=False, programs=("焊接技术应用",))
    draft_school = build.school(name="草稿学校", programs=("数控技术应用",))  # verified, but never published
    return {"laiwu": laiwu, "tech": tech, "pending": pending, "draft": draft_school}


def test_substring_search_finds_robotics_and_welding(client, schools):
    assert names(page(client, "/majors?q=机器人")) == ["工业机器人技术应用"]
    found = names(page(client, "/majors?q=焊接"))
    # name, description and skills all count; the pending school's major never does
    assert sorted(found) == ["机电技术应用", "焊接技术应用"]
    assert found[0] == "焊接技术应用"  # a match in the name ranks first


def test_drafts_and_unverified_schools_are_never_listed(client, schools):
    listing = page(client, "/majors")
    assert "数控技术应用" not in listing and "待审学校" not in listing
    assert len(names(listing)) == 5
    draft = schools["draft"].organisation.programs[0]
    pending = schools["pending"].organisation.programs[0]
    assert client.get(f"/majors/{draft.id}").status_code == 404
    assert client.get(f"/majors/{pending.id}").status_code == 404
    assert client.get(f"/schools/{schools['pending'].organisation_id}").status_code == 404
    assert client.get("/majors/999999").status_code == 404


def test_filters_school_town_certificate(client, schools):
    laiwu_id = schools["laiwu"].organisation_id
    assert sorted(names(page(client, f"/majors?school={laiwu_id}"))) == [
        "工业机器人技术应用",
        "护理",
        "焊接技术应用",
    ]
    assert sorted(names(page(client, "/majors?town=fengcheng"))) == ["机电技术应用", "电子商务"]
    assert names(page(client, "/majors?certificate=老年照护")) == ["护理"]
    assert names(page(client, f"/majors?q=焊接&school={laiwu_id}")) == ["焊接技术应用"]


def test_sorting_and_bad_parameters(client, schools):
    by_intake = names(page(client, "/majors?sort=intake"))
    assert by_intake[:3] == ["护理", "工业机器人技术应用", "焊接技术应用"]
    # Nonsense never breaks the page.
    for url in (
        "/majors?sort=drop",
        "/majors?page=-1",
        "/majors?page=abc",
        "/majors?school=x",
        "/majors?town=mars",
        "/majors?q=" + "长" * 500,
        "/schools?kind=x&page=0",
    ):
        assert client.get(url).status_code == 200, url


def test_like_wildcards_are_literal(client, schools):
    assert names(page(client, "/majors?q=%25")) == []
    assert names(page(client, "/majors?q=_")) == []


def test_pagination_keeps_the_filters(app, build, client):
    catalogue_names = [
        "护理",
        "药剂",
        "电子商务",
        "会计事务",
        "焊接技术应用",
        "数控技术应用",
        "机电技术应用",
        "工业机器人技术应用",
        "计算机网络技术",
        "物流服务与管理",
        "汽车运用与维修",
        "新能源汽车运用与维修",
        "智慧健康养老服务",
    ]
    for n in range(2):
        user = build.school(name=f"分页学校{n}", programs=tuple(catalogue_names))
        publish_all(user)
    first = page(client, "/majors?sort=name")
    assert len(names(first)) == 20
    assert re.search(r'rel="next" href="/majors\?[^"]*page=2', first) and "sort=name" in first
    second = page(client, "/majors?sort=name&page=2")
    assert len(names(second)) == 6
    assert page(client, "/majors?page=99").count("<article") == 0


def test_major_detail_shows_its_fields_escaped(client, build):
    user = build.school(programs=("护理",))
    program = user.organisation.programs[0]
    program.description = "<b>护理</b><script>alert(1)</script>"
    program.partner_college = "莱芜职业技术学院"
    programs.publish_program(program)
    db.session.commit()
    html = page(client, f"/majors/{program.id}")
    assert "莱芜职业技术学院" in html and "<script>alert(1)" not in html and "&lt;script&gt;" in html


def test_schools_list_search_and_detail(client, schools):
    listing = page(client, "/schools")
    assert "莱芜职业中专" in listing and "凤城技工学校" in listing and "待审学校" not in listing
    assert "莱芜职业中专" in page(client, "/schools?q=机器人")  # by a published major's name
    assert "凤城技工学校" not in page(client, "/schools?q=机器人")
    assert "莱芜职业中专" not in page(client, "/schools?town=fengcheng")
    assert "凤城技工学校" in page(client, "/schools?kind=secondary_vocational&town=fengcheng")
    assert "凤城技工学校" not in page(client, "/schools?kind=technician_college")


def test_school_detail_counts_teachers_and_lists_published_only(client, schools):
    laiwu = schools["laiwu"].organisation
    school_records.create_teacher(laiwu, name="甲", double_qualified=True)
    school_records.create_teacher(laiwu, name="乙")
    offer = school_records.create_offer(
        laiwu, title="退役军人电焊培训", target_groups=["veterans"], capacity=20
    )
    school_records.create_offer(laiwu, title="草稿培训", target_groups=["disabled"], capacity=10)
    school_records.publish_offer(schools["laiwu"], offer.id)
    db.session.commit()
    html = page(client, f"/schools/{laiwu.id}")
    assert "工业机器人技术应用" in html and "退役军人电焊培训" in html and "草稿培训" not in html
    assert re.search(r"2\D+1", html)  # 2 teachers, 1 double-qualified
    assert "甲" not in html  # teachers' names stay private
