"""职业教育集团: recorded by the lead school with its charter, members and shares; the dashboard's
"1–2 groups" counted from them by hand; bad input refused; another school cannot edit a group."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.education_groups import services
from portal.education_groups.models import EducationGroup, GroupMember
from portal.extensions import db
from portal.models import Organisation
from portal.platform.errors import ServiceError
from portal.statistics.services import district_figures
from tests.conftest import client_for, csrf_token

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _groups_figure():
    return {f.key: f for f in district_figures()}["vocational_education_groups"]


def test_a_group_needs_its_name_date_and_charter_and_nothing_is_written_otherwise(app, build):
    staff = build.school()
    with pytest.raises(ServiceError) as refused:
        services.create_group(staff, "", None, None)
    assert {p.field for p in refused.value.problems} == {"name", "founded_on", "charter"}
    db.session.rollback()
    with pytest.raises(ServiceError):
        services.create_group(staff, "莱芜职教集团", date(2026, 1, 1), b"<html><script>x</script></html>")
    db.session.rollback()
    assert db.session.scalar(select(func.count(EducationGroup.id))) == 0


def test_the_dashboard_counts_groups_led_by_verified_secondary_vocational_schools(app, build):
    """Hand count: A (verified) leads two groups, B leads one then is no longer verified → 2 groups,
    with A's groups' members: group 1 has A, an enterprise, a college → 3; group 2 has A → 1; 4 members."""
    a, b = build.school(), build.school()
    hr = build.enterprise(name="山东演示装备有限公司")
    assert _groups_figure().value == 0
    one = services.create_group(a, "莱芜区职业教育集团（演示）", date(2025, 9, 1), PDF)
    member = services.add_member(a, one.id, "enterprise", hr.organisation.name)
    assert member.organisation_id == hr.organisation_id  # linked: the exact name of a verified enterprise
    services.add_member(a, one.id, "college", "某职业技术学院（演示）")
    services.add_share(a, one.id, "base", hr.organisation.name, "焊接实训基地每周开放两天")
    services.create_group(a, "莱芜区现代农业职教联盟（演示）", date(2026, 3, 1), PDF)
    services.create_group(b, "另一个集团（演示）", date(2026, 3, 1), PDF)
    db.session.commit()
    assert _groups_figure().value == 3
    db.session.get(Organisation, b.organisation_id).status = "pending"
    db.session.commit()
    figure = _groups_figure()
    assert figure.value == 2 and figure.target == 1 and figure.target_note == "1–2"
    assert figure.detail.startswith("4")
    with pytest.raises(ServiceError):  # a share must come from a member
        services.add_share(a, one.id, "course", "不是成员", "课程")
    db.session.rollback()


def test_only_the_lead_school_edits_a_group_through_its_pages(app, build):
    lead, other = build.school(), build.school()
    client = client_for(app, lead)
    token = csrf_token(client.get("/school/education-groups/").get_data(as_text=True))
    response = client.post(
        "/school/education-groups/",
        data={
            "csrf_token": token,
            "name": "莱芜区职业教育集团（演示）",
            "founded_on": "2025-09-01",
            "charter": (io.BytesIO(PDF), "charter.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    group = db.session.scalar(select(EducationGroup))
    assert client.get(f"/school/education-groups/{group.id}/charter.pdf").data == PDF
    stranger = client_for(app, other)
    assert stranger.get(f"/school/education-groups/{group.id}").status_code == 404
    assert stranger.get(f"/school/education-groups/{group.id}/charter.pdf").status_code == 404
    page = stranger.get("/school/education-groups/").get_data(as_text=True)
    response = stranger.post(
        f"/school/education-groups/{group.id}/members",
        data={"csrf_token": csrf_token(page), "kind": "agency", "name": "某协会"},
    )
    assert response.status_code == 404
    assert db.session.scalar(select(func.count(GroupMember.id))) == 1  # the lead school itself
    admin = client_for(app, "admin@example.com")
    listing = admin.get("/admin/education-groups/").get_data(as_text=True)
    assert "莱芜区职业教育集团（演示）" in listing
    dashboard = admin.get("/admin/dashboard").get_data(as_text=True)
    assert 'data-testid="value-vocational_education_groups">1<' in dashboard
    assert 'data-testid="records-vocational_education_groups"' in dashboard
