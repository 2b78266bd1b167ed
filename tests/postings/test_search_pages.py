"""The pages of one search are read from one ranking while the app keeps pages (issue 31: 400
distinct search pages are few distinct searches), and show what the uncached search shows."""

from __future__ import annotations

from dataclasses import replace

from portal.extensions import db
from portal.platform import cache
from portal.postings import services as postings
from portal.postings.services import PostingQuery
from tests.conftest import Builders
from tests.platform.test_bounded_pages import counted


def _pages(query: PostingQuery, first: int, last: int) -> list[list[str]]:
    return [
        [p.title for p in postings.search_postings(replace(query, page=n), per_page=2).items]
        for n in range(first, last + 1)
    ]


def test_every_page_of_a_search_comes_from_one_ranking(app, build, monkeypatch):
    hr = build.enterprise()
    for n in range(5):
        Builders.posting(hr, title=f"焊接岗位 {n}", headcount=n + 1)
    Builders.posting(hr, title="数控车工岗位")
    for sort in ("newest", "headcount"):
        query = PostingQuery(q="焊接", sort=sort)
        monkeypatch.setattr(cache, "keeps", lambda: False)
        uncached = _pages(query, 1, 4)  # the last asks past the end: it shows the last page
        monkeypatch.undo()
        db.session.expunge_all()
        with counted() as first:
            assert _pages(query, 1, 1) == uncached[:1]
        db.session.expunge_all()
        with counted() as later:
            assert _pages(query, 2, 4) == uncached[1:]
        # The first page ranks the search, then loads its cards and their enterprise; each later
        # page only its cards and their enterprise (no count, no ranking).
        assert first[0] == 3 and later[0] == 2 * 3, (sort, first[0], later[0])
    result = postings.search_postings(PostingQuery(q="焊接"), per_page=2)
    assert (result.total, result.pages, result.more) == (5, 3, False)


def test_a_written_posting_shows_on_the_next_page_asked(app, build):
    hr = build.enterprise()
    for n in range(3):
        Builders.posting(hr, title=f"焊接岗位 {n}")
    assert postings.search_postings(PostingQuery(q="焊接")).total == 3
    Builders.posting(hr, title="焊接岗位 新")
    found = postings.search_postings(PostingQuery(q="焊接", page=2))
    assert found.total == 4 and "焊接岗位 新" in [p.title for p in found.items]


def test_kept_objects_are_bounded(app, monkeypatch):
    monkeypatch.setattr(cache, "OBJECT_ENTRIES", 3)
    objects = cache._Objects()
    for n in range(5):
        objects.put(n, 0, n, 60)
        assert objects.get(2, 0) in (None, 2)  # used: kept longer
    assert sorted(objects.kept.entries) == [2, 3, 4]
