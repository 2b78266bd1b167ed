"""Labour-market figures (issue 26): an administrator enters vacancies by occupation with their
source; every problem at once; only administrators; the intake suggestions count them for the
group and say how much of the demand the platform covers."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from portal.extensions import db
from portal.labour_market.models import LabourMarketFigure
from portal.planning import alignment
from tests.conftest import client_for, login
from tests.planning.test_alignment import _settings, admin_user, district  # noqa: F401


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(LabourMarketFigure))


def errors(response) -> set[str]:
    return set(re.findall(r'<div id="([a-z_]+)-error">', response.get_data(as_text=True)))


def test_every_problem_at_once_and_nothing_saved(app, district):  # noqa: F811
    client = app.test_client()
    login(client, admin_user().email)
    response = client.post(
        "/admin/labour-market",
        data={"year": "1999", "occupation": "", "major_group": "不存在大类", "vacancies": "", "source": ""},
    )
    assert response.status_code == 400
    assert {"year", "occupation", "major_group", "vacancies", "source"} <= errors(response)
    assert count() == 0


def test_only_administrators_enter_figures(app, district):  # noqa: F811
    for user in (district["school"], district["hr"]):
        client = client_for(app, user)
        assert client.get("/admin/labour-market").status_code == 403
        client.post(
            "/admin/labour-market",
            data={
                "year": "2026",
                "occupation": "护理员",
                "major_group": "医药卫生大类",
                "vacancies": "9",
                "source": "x",
            },
        )
    assert count() == 0


def test_the_suggestions_count_the_vacancies_and_say_the_coverage(app, district):  # noqa: F811
    _settings(min_postings=1)
    year = alignment.report().year
    before = {s.program: s for s in alignment.suggestions(district["school"].organisation_id)}
    client = app.test_client()
    login(client, admin_user().email)
    response = client.post(
        "/admin/labour-market",
        data={
            "year": str(year),
            "occupation": "护理员",
            "major_group": "医药卫生大类",
            "vacancies": "40",
            "source": "区人社局岗位空缺统计（测试）",
        },
    )
    assert response.status_code == 302
    after = {s.program: s for s in alignment.suggestions(district["school"].organisation_id)}
    nursing = after["护理"]
    assert nursing.group_demand == before["护理"].group_demand + 40 and nursing.market == 40
    assert nursing.coverage == round(100 * (nursing.group_demand - 40) / nursing.group_demand)
    assert nursing.market_sources == ("区人社局岗位空缺统计（测试）",)
    page = client_for(app, district["school"]).get("/school/alignment").get_data(as_text=True)
    assert 'data-testid="labour-market"' in page and "区人社局岗位空缺统计（测试）" in page
