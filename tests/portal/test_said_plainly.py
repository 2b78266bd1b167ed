"""Say what the system did (issue 13, item 7): the allocation explained in plain words, the
enterprise told which order its applicants are really taken in, and a named class that starts
from what the enterprise wrote in its order-class posting."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.extensions import db
from portal.models import Cooperation, Posting
from tests.conftest import DEMO_PASSWORD, client_for


def test_named_class_starts_from_the_posting(app, demo):
    cooperation = db.session.scalar(
        select(Cooperation)
        .join(Posting, Cooperation.posting_id == Posting.id)
        .where(Posting.title == "山东重工智能制造冠名班（焊接与装配方向）")
    )
    html = (
        client_for(app, "school@xiaoqi-demo.cn", DEMO_PASSWORD)
        .get(f"/school/cooperations/{cooperation.id}/named-class")
        .get_data(as_text=True)
    )
    assert 'value="山东重工智能制造冠名班"' in html
    assert re.search(rf'<input[^>]*id="seats"[^>]*value="{cooperation.seats}"', html)
    for benefit in ("scholarship", "guaranteed_job", "equipment", "mentors"):
        assert re.search(
            rf'<input[^>]*checked[^>]*id="{benefit}"|<input[^>]*id="{benefit}"[^>]*checked', html
        ), benefit
    assert "学生身体健康" in html  # the enterprise's expectations become the selection criteria


def test_allocation_in_plain_words(app, demo):
    school = client_for(app, "school@xiaoqi-demo.cn", DEMO_PASSWORD)
    listing = school.get("/school/apprenticeships").get_data(as_text=True)
    runs = [
        run
        for programme in re.findall(r'href="(/school/apprenticeships/\d+)"', listing)
        for run in re.findall(
            r'href="(/school/apprenticeships/runs/\d+)"', school.get(programme).get_data(as_text=True)
        )
    ]
    page = school.get(runs[0]).get_data(as_text=True)
    assert "公平性检查" in page and "抽签编号" in page and "分配是怎样决定的" in page
    assert "阻塞对" not in page and "随机种子" not in page
    hr = client_for(app, "hr.huijin@xiaoqi-demo.cn", DEMO_PASSWORD)
    listing = hr.get("/enterprise/apprenticeships").get_data(as_text=True)
    programme = re.search(r'href="(/enterprise/apprenticeships/\d+)"', listing).group(1)
    page = hr.get(programme).get_data(as_text=True)
    assert 'data-testid="ranking-rule"' in page and "平台顺序" not in page
