"""Item 5 of issue 29: the dashboard counts what the plan counts. The secondary vocational share reads
actual admissions entered per year with their source (same year as the total); "new apprenticeship
majors" counts only majors whose first apprenticeship began in or after the plan's base year."""

from __future__ import annotations

from datetime import date

import pytest

from portal.extensions import db
from portal.platform.errors import ServiceError
from portal.rules import services as rule_settings
from portal.rules.settings import PLAN_BASE_YEAR
from portal.statistics import services as statistics
from tests.conftest import Builders


def _figure(key):
    return {f.key: f for f in statistics.district_figures()}[key]


def test_the_share_divides_admissions_by_the_total_of_the_same_year(app):
    statistics.enter_input(None, "upper_secondary_intake", 2025, 1000, "区教体局2025年招生统计")
    statistics.enter_input(None, "secondary_vocational_admissions", 2026, 420, "区招生办2026年录取统计")
    db.session.commit()
    share = _figure("secondary_vocational_share")
    assert share.value is None and "2026" in share.detail  # no total for 2026: never 420 / 1000
    statistics.enter_input(None, "upper_secondary_intake", 2026, 1050, "区教体局2026年招生统计")
    db.session.commit()
    share = _figure("secondary_vocational_share")
    assert share.value == 40.0 and "区招生办2026年录取统计" in share.detail
    with pytest.raises(ServiceError):  # more admitted than the whole district took in
        statistics.enter_input(None, "secondary_vocational_admissions", 2026, 1100, "错误的数字")
    db.session.rollback()
    assert _figure("secondary_vocational_share").value == 40.0


def test_new_apprenticeship_majors_count_from_the_plans_base_year(app, build):
    """Hand count: major X's first apprenticeship began 2019 (before 2020, still active: not new);
    major Y began 2021 (new); major Z began 2022 but has ended (not active). New: 1 of 2 active."""
    staff = build.school(programs=("焊接技术应用", "工业机器人技术应用", "护理"))
    hr = build.enterprise()
    by_name = {p.name: p for p in staff.organisation.programs}
    for name, started, status in (
        ("焊接技术应用", date(2019, 9, 1), "active"),
        ("工业机器人技术应用", date(2021, 9, 1), "active"),
        ("护理", date(2022, 9, 1), "ended"),
    ):
        coop = Builders.cooperation(staff, hr, kind="apprenticeship", start_date=started, status=status)
        coop.program_id = by_name[name].id
    db.session.commit()
    figure = _figure("apprenticeship_majors")
    assert figure.value == 1 and figure.detail == "2020年以来新增1个，共2个"
    admin = build.admin()
    rule_settings.set_value(admin, PLAN_BASE_YEAR.key, 2019, "测试：改为2019年")
    db.session.commit()
    assert _figure("apprenticeship_majors").value == 2
