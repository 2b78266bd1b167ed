"""Rule settings: values no confirmed source fixes, kept by administrators with their reason."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEntry, RuleSetting
from portal.rules import services as rule_settings
from portal.rules.settings import ALL, PART_TIME_NEAR_PERCENT, PILOT_ENTERPRISE_NOTICE_DAYS
from tests.conftest import client_for


def committed_admin(build):
    admin = build.admin()
    db.session.commit()
    return admin


def rows() -> int:
    return db.session.scalar(select(func.count()).select_from(RuleSetting))


def test_every_setting_shows_its_default_and_why(app, build):
    page = client_for(app, committed_admin(build)).get("/admin/rules").get_data(as_text=True)
    for spec in ALL:
        assert f'data-testid="rule-{spec.key}"' in page
    assert (
        "发改社会〔2019〕590号" in page
    )  # the notice period's note names the measure it could not find it in


def test_bad_values_are_refused_beside_their_field_and_change_nothing(app, build):
    client = client_for(app, committed_admin(build))
    key = PILOT_ENTERPRISE_NOTICE_DAYS.key
    response = client.post(f"/admin/rules/{key}", data={f"{key}-value": "0", f"{key}-note": ""})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert page.count('class="error"') >= 2  # the value and the missing reason, at once
    assert rows() == 0 and rule_settings.value(PILOT_ENTERPRISE_NOTICE_DAYS) == 7
    assert client.post("/admin/rules/nonsense", data={}).status_code == 404


def test_a_new_value_is_stored_with_its_reason_and_audited(app, build):
    admin = committed_admin(build)
    client = client_for(app, admin)
    key = PART_TIME_NEAR_PERCENT.key
    response = client.post(
        f"/admin/rules/{key}", data={f"{key}-value": "80", f"{key}-note": "区教体局2026年会议决定"}
    )
    assert response.status_code == 302
    current = rule_settings.current(PART_TIME_NEAR_PERCENT)
    assert (current.value, current.note, current.set_by) == (80, "区教体局2026年会议决定", admin.email)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "set_rule")).to_state == "80"


def test_only_administrators_reach_the_settings(app, build):
    staff = build.school()
    assert client_for(app, staff).get("/admin/rules").status_code == 403
