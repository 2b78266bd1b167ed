"""Posting cards on the public lists (issue 31): read as plain rows in one statement, and kept
rendered in each process under every value they show, so that a change shows at once."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import update

from portal.extensions import db
from portal.models import Organisation
from portal.platform import cache
from portal.postings import services as postings
from portal.postings.services import PostingQuery
from tests.conftest import Builders, client_for
from tests.platform.test_bounded_pages import counted


@pytest.fixture
def uncached_app(app_factory):
    """An app without the page cache: only the cards are kept."""
    app = app_factory(PAGE_CACHE_SECONDS=0)
    with app.app_context():
        yield app


def _page(client, url: str = "/postings") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _cards_kept(app) -> int:
    return sum(key[0] == "posting_card" for key in app.extensions["fragments"].entries)


def _edit(hr, posting, **changes):
    values = {**posting.common_values(), "details": posting.details, **changes}
    postings.update_posting(hr, posting.id, postings.PostingInput(**values))
    db.session.commit()


def test_an_edit_a_renamed_enterprise_and_a_close_show_at_once(uncached_app, build):
    client = uncached_app.test_client()
    hr = build.enterprise(name="莱芜甲企业")
    posting = Builders.posting(hr, title="焊接学徒岗位", skills="焊接、装配")
    enterprise_page = f"/enterprises/{hr.organisation_id}"
    for url in ("/postings", enterprise_page):
        assert "焊接学徒岗位" in _page(client, url) and "莱芜甲企业" in _page(client, url)
    assert _cards_kept(uncached_app) == 1  # one card, shown on both pages, read from the store

    _edit(hr, posting, title="数控车工岗位", skills="数控")
    for url in ("/postings", enterprise_page):
        page = _page(client, url)
        assert "数控车工岗位" in page and "焊接学徒岗位" not in page and "装配" not in page

    db.session.execute(
        update(Organisation).where(Organisation.id == hr.organisation_id).values(name="莱芜乙企业")
    )
    db.session.commit()
    for url in ("/postings", enterprise_page):
        page = _page(client, url)
        assert "莱芜乙企业" in page and "莱芜甲企业" not in page

    postings.close_posting(hr, posting.id)
    db.session.commit()
    assert "数控车工岗位" not in _page(client)
    assert 'data-testid="posting-card"' not in _page(client, enterprise_page)


def test_each_language_has_its_own_card(uncached_app, build):
    Builders.posting(build.enterprise(), "internship", title="焊接学徒岗位")
    chinese = uncached_app.test_client()
    english = uncached_app.test_client()
    english.post("/lang", data={"lang": "en"})
    for _ in range(2):
        assert "前报名" in _page(chinese) and "Apply by" not in _page(chinese)
        assert "Apply by" in _page(english) and "前报名" not in _page(english)


def test_a_card_is_the_same_for_everyone_and_never_shows_what_is_not_public(uncached_app, build):
    hr = build.enterprise(name="莱芜甲企业")
    other = build.enterprise(name="莱芜丙企业")
    Builders.posting(hr, title="公开岗位")
    Builders.posting(hr, title="草稿岗位", publish=False)
    own = client_for(uncached_app, hr)
    assert "草稿岗位" in _page(own, "/enterprise/postings")  # its own list, not a card
    for client in (own, client_for(uncached_app, other), uncached_app.test_client()):
        for url in ("/postings", f"/enterprises/{hr.organisation_id}"):
            page = _page(client, url)
            assert "公开岗位" in page and "草稿岗位" not in page
    assert _cards_kept(uncached_app) == 1


def test_the_cards_page_is_the_search_page_in_one_statement(app, build, monkeypatch):
    hr = build.enterprise()
    for n in range(5):
        Builders.posting(hr, title=f"焊接岗位 {n}", headcount=n + 1)
    Builders.posting(hr, title="数控车工岗位", headcount=3)
    for keeps in (False, True):
        monkeypatch.setattr(cache, "keeps", lambda keeps=keeps: keeps)
        for query in (PostingQuery(q="焊接"), PostingQuery(sort="headcount"), PostingQuery(sort="deadline")):
            for page in range(1, 6):  # 4 and 5 ask past the end: the last page
                asked = replace(query, page=page)
                expected = postings.search_postings(asked, per_page=2)
                db.session.expunge_all()
                with counted() as count:
                    cards = postings.search_posting_cards(asked, per_page=2)
                assert [c.title for c in cards.items] == [p.title for p in expected.items]
                assert (cards.total, cards.page, cards.more) == (expected.total, expected.page, expected.more)
                if not keeps:
                    assert count[0] == (1 if page <= cards.pages else 3), (query, page, count[0])
    monkeypatch.setattr(cache, "keeps", lambda: False)
    nothing = postings.search_posting_cards(PostingQuery(q="没有这个词", page=3))
    assert (nothing.items, nothing.total, nothing.page) == ([], 0, 1)


def test_the_filter_bar_is_kept_per_search_and_language(uncached_app, build):
    Builders.posting(build.enterprise(), title="焊接学徒岗位")
    client = uncached_app.test_client()
    for url in ("/postings?q=焊接", "/postings?q=焊接&page=2", "/postings?q=焊接&kind=internship"):
        assert 'value="焊接"' in _page(client, url)
    assert 'value="internship" selected' in _page(client, "/postings?q=焊接&kind=internship")
    english = uncached_app.test_client()
    english.post("/lang", data={"lang": "en"})
    assert "All kinds" in _page(english, "/postings?q=焊接") and "All kinds" not in _page(
        client, "/postings?q=焊接"
    )
    filters = [key for key in uncached_app.extensions["fragments"].entries if key[0] == "posting_filters"]
    assert len(filters) == 3  # two searches in Chinese, one in English


def test_kept_cards_are_bounded(app):
    store = cache._Lru(3)
    for n in range(5):
        store.put(n, str(n))
    assert list(store.entries) == [2, 3, 4] and store.get(0) is None and store.get(2) == "2"


def test_no_cards_are_kept_when_turned_off(app_factory, build):
    app = app_factory(FRAGMENT_CACHE_ENTRIES=0)
    with app.app_context():
        Builders.posting(build.enterprise(), title="焊接学徒岗位")
        assert "焊接学徒岗位" in _page(app.test_client()) and "fragments" not in app.extensions


def test_queries_of_one_shape_share_a_statement_and_each_finds_its_own(uncached_app, build):
    """The list's statement is built once per shape of query (issue 31) and run with each query's
    own values: the second query of a shape never gets the first one's postings."""
    a, b = build.enterprise(), build.enterprise()
    Builders.posting(a, "internship", title="焊接实习甲", town="kouzhen", certificates="焊工证")
    Builders.posting(b, "apprenticeship", title="护理学徒乙", town="gaozhuang", certificates="护理证")
    client = uncached_app.test_client()
    postings._CARD_STATEMENTS.clear()

    def found(query: str) -> set[str]:
        page = _page(client, "/postings?" + query)
        return {t for t in ("焊接实习甲", "护理学徒乙") if t in page}

    for first, second in (
        ("q=焊接", "q=护理"),
        ("kind=internship", "kind=apprenticeship"),
        ("town=kouzhen&sort=deadline", "town=gaozhuang&sort=deadline"),
        ("cert=焊工", "cert=护理"),
        (f"enterprise={a.organisation_id}", f"enterprise={b.organisation_id}"),
    ):
        assert (found(first), found(second)) == ({"焊接实习甲"}, {"护理学徒乙"}), (first, second)
    assert found("q=焊接&kind=apprenticeship") == set()
    # On PostgreSQL every shape was built once (SQLite's search words are built per query).
    shapes = len(postings._CARD_STATEMENTS)
    assert found("q=护理&kind=apprenticeship") == {"护理学徒乙"}
    assert len(postings._CARD_STATEMENTS) == shapes


@pytest.mark.parametrize("cached", [False, True])
def test_an_enterprise_no_longer_verified_leaves_every_list(app_factory, build, cached):
    """The lists keep only verified enterprises' postings (without joining each match's enterprise,
    issue 31), with the page cache on or off, in every order and search, and in the open API."""
    app = app_factory(PAGE_CACHE_SECONDS=300 if cached else 0)
    with app.app_context():
        kept, dropped = build.enterprise(name="仍认证企业"), build.enterprise(name="被撤销企业")
        Builders.posting(kept, "internship", title="焊接实习甲")
        Builders.posting(dropped, "internship", title="焊接实习乙")
        client = app.test_client()
        urls = (
            "/postings",
            "/postings?q=焊接",
            "/postings?sort=deadline",
            "/postings?kind=internship&sort=headcount",
        )
        for url in urls:
            assert "焊接实习甲" in _page(client, url) and "焊接实习乙" in _page(client, url)
        db.session.execute(
            update(Organisation).where(Organisation.id == dropped.organisation_id).values(status="rejected")
        )
        db.session.commit()
        for url in urls:
            page = _page(client, url)
            assert "焊接实习甲" in page and "焊接实习乙" not in page, url
        found, _cursor = postings.search_postings_after(PostingQuery(q="焊接", sort="newest"))
        assert [p.title for p in found] == ["焊接实习甲"]
