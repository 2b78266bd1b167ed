"""Search finds what people type (issue 13, item 6): industry and town names in both languages
besides the posting's own text; an empty result suggests the nearest searches that find something."""

from __future__ import annotations

from portal.extensions import db
from portal.postings import services as postings
from portal.postings.services import PostingQuery
from tests.partnerships.test_proposals import publish_posting


def found(**args) -> list[str]:
    return [p.title for p in postings.search_postings(PostingQuery.from_args(_Args(args))).items]


class _Args(dict):
    def getlist(self, key):
        return [self[key]] if key in self else []


def test_industry_town_and_text(build):
    hr = build.enterprise(name="莱芜储能科技")
    hr.organisation.industry = "new_energy"
    db.session.commit()
    publish_posting(
        hr,
        title="电池包装配订单班",
        description="面向机电专业的订单培养",
        skills="装配、检测",
        town="gaozhuang",
        major="机电技术应用",
    )
    assert found(q="新能源") == ["电池包装配订单班"]  # the enterprise's industry
    assert found(q="New energy") == ["电池包装配订单班"]  # in English too
    assert found(q="高庄") == ["电池包装配订单班"]  # the town
    assert found(q="机电技术应用") == ["电池包装配订单班"]  # the major wanted
    assert found(q="储能") == ["电池包装配订单班"]  # the enterprise's name
    assert found(q="新能源 高庄 检测") == ["电池包装配订单班"]  # every word, each anywhere
    assert found(q="护理") == []


def test_empty_result_suggests_the_nearest_searches(app, build):
    hr = build.enterprise()
    publish_posting(hr, title="焊工订单班", town="gaozhuang")
    query = PostingQuery.from_args(_Args({"q": "焊工 护理", "kind": "internship"}))
    assert postings.search_postings(query).total == 0
    # Two filters too many: dropping any single one still finds nothing, so nothing is offered
    # (the page then links to every open posting) …
    assert postings.nearest_searches(query) == []
    # … but one filter too many is named.
    query = PostingQuery.from_args(_Args({"q": "焊工", "kind": "internship"}))
    nearest = postings.nearest_searches(query)
    assert [(s.dropped, s.value, s.count) for s in nearest] == [("kind", "internship", 1)]
    html = app.test_client().get("/postings?q=焊工&kind=internship").get_data(as_text=True)
    assert 'data-testid="nearest-searches"' in html and "/postings?q=%E7%84%8A%E5%B7%A5" in html
