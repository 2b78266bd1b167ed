"""Search through an index (issue 31): on PostgreSQL `?q=` asks the postings' GIN-indexed search
terms, kept current on publish, edit and close; results come best match first, then newest."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, text

from portal.extensions import db
from portal.models import Posting, PostingSearch
from portal.postings import services as postings
from portal.postings.services import PostingQuery, search_query, search_terms
from tests.conftest import Builders


def post(hr, title: str, description: str = "岗位说明", skills: str = "沟通"):
    return Builders.posting(hr, "internship", title=title, description=description, skills=skills)


def found(q: str, **args) -> list[str]:
    return [p.title for p in postings.search_postings(PostingQuery(q=q, **args)).items]


def _postgres(app) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the index is PostgreSQL's; SQLite keeps the LIKE search")


def test_terms_are_bigrams_words_thesaurus_terms_and_place_names(app):
    terms = search_terms("电焊工 c1驾照", "gaozhuang", "care")
    lexemes = {term.split("'")[1] for term in terms.split()}
    assert {"电焊", "焊工", "工", "c1", "驾照", "照"} <= lexemes  # bigrams, a run's last character, words
    assert "焊接" not in lexemes  # the thesaurus is applied to what is asked (below), not here
    assert {"高庄", "gaozhuang"} <= lexemes  # the town in both languages
    assert "医学" in lexemes and "care" in lexemes  # the industry too
    assert "'焊工':1B" in terms and "'高庄':1D" in terms  # its own text B, place names D
    # A thesaurus entry also finds its catalogue term, in the posting's own text (A, B).
    assert search_query("焊工") == "(('焊工') | ('焊接':AB))"
    assert search_query("焊 Weld") == "(('焊':*)) & (('weld':*))"  # one character, a word: prefixes
    assert search_query("+++") is None


def test_a_thesaurus_word_finds_the_catalogue_term_and_edits_are_found_at_once(app, build):
    hr = build.enterprise()
    posting = post(hr, "二氧化碳焊接岗位实习")
    db.session.commit()
    assert found("焊工") == ["二氧化碳焊接岗位实习"]
    assert found("焊") == ["二氧化碳焊接岗位实习"]
    assert found("护理") == []
    postings.update_posting(hr, posting.id, Builders.posting_input(posting, title="养老护理员岗位实习"))
    db.session.commit()
    assert found("护理") == ["养老护理员岗位实习"] and found("焊接") == []
    postings.close_posting(hr, posting.id)
    db.session.commit()
    assert found("护理") == []


def test_the_best_match_comes_first_then_the_newest(app, build):
    _postgres(app)
    hr = build.enterprise()
    post(hr, "焊接岗位实习", "焊接 焊接 焊接工艺 焊接检验", "焊接")
    post(hr, "装配岗位实习", "需要一点焊接基础")  # newer, weaker
    db.session.commit()
    assert found("焊接") == ["焊接岗位实习", "装配岗位实习"]
    assert found("焊接", sort="relevance") == ["焊接岗位实习", "装配岗位实习"]
    assert found("焊接", sort="newest") == ["装配岗位实习", "焊接岗位实习"]  # as the list says
    assert found("焊接", sort="deadline")  # the other orders stay as asked


def test_postgresql_finds_the_postings_through_the_gin_index(app, build):
    """EXPLAIN shows the plan reads ix_posting_search_vector: the search's condition is one the GIN
    index serves. The table gets 10,000 other published postings (the district's size at 1×) and
    fresh statistics. Rows inserted in bulk wait in the GIN index's pending list, and the index's own
    statistics date from its last vacuum; the planner prices the index from both, and in CI once
    priced it above reading every posting of the enterprise through ix_posting_enterprise_id
    (978 against 40 here). So the table is vacuumed first (VACUUM ANALYZE, what autovacuum does in a
    running district) and sequential scans are priced out for this one statement (SET LOCAL
    enable_seqscan): the test asserts the index can answer the search, not the planner's taste."""
    _postgres(app)
    hr = build.enterprise()
    model = post(hr, "焊接岗位实习")
    for i in range(5):
        post(hr, f"焊接岗位实习{i}")
    db.session.commit()
    columns = [c.key for c in Posting.__table__.columns if c.key != "id"]
    row = {key: getattr(model, key) for key in columns}
    others = [{**row, "title": f"护理岗位{i}"} for i in range(10_000)]
    inserted = insert(Posting).returning(Posting.id, sort_by_parameter_order=True)
    ids = db.session.scalars(inserted, others).all()
    searches = [
        {"posting_id": posting_id, "search_text": f"护理岗位{i}", "search_vector": f"'护理' '岗位' '{i}'"}
        for i, posting_id in enumerate(ids)
    ]
    db.session.execute(insert(PostingSearch), searches)
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as autocommit:
        autocommit.exec_driver_sql("VACUUM ANALYZE posting")
        autocommit.exec_driver_sql("VACUUM ANALYZE posting_search")
    statement = postings.matching_ids(PostingQuery(q="焊工 实习"))
    compiled = statement.compile(db.engine)
    connection = db.session.connection()
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    rows = connection.exec_driver_sql("EXPLAIN " + str(compiled), compiled.params)
    plan = "\n".join(row[0] for row in rows)
    db.session.rollback()
    assert "ix_posting_search_vector" in plan, plan
    assert "search_text" not in str(compiled)  # the index's condition, not a LIKE
    assert len(found("焊工 实习")) == 6


def test_internships_list_searches_the_same_way(app, build, client):
    hr = build.enterprise()
    post(hr, "二氧化碳焊接岗位实习")
    post(hr, "养老护理员岗位实习")
    db.session.commit()
    page = client.get("/internships/?q=焊工").get_data(as_text=True)
    assert "二氧化碳焊接岗位实习" in page and "养老护理员岗位实习" not in page


def test_the_matcher_finds_the_postings_holding_any_term_and_leaves_the_planner_as_it_was(app, build):
    """A major's candidate postings (portal.partnerships.matching._candidates): those holding one of
    its evidence terms, in their own text or in their town's or industry's name, whatever their state
    (the matcher keeps the live ones). The index is chosen for that statement alone: a job's next
    statements are planned with the transaction's own setting."""
    _postgres(app)
    hr = build.enterprise()
    welding = post(hr, "焊接岗位实习")
    care = post(hr, "养老护理员岗位实习", "照护老人")
    shop = post(hr, "电商直播运营实习", "直播带货")
    closed = post(hr, "数控车床操作实习")
    postings.close_posting(hr, closed.id)
    db.session.commit()
    assert postings.postings_holding_any(["焊接", "照护"]) == {welding.id, care.id}
    assert postings.postings_holding_any(["数控车床"]) == {closed.id}  # every part of the term
    assert postings.postings_holding_any(["数控机床"]) == set()  # 机床 is not held
    # The town's name (凤城街道): more than the postings' own text holds, ranked for nothing.
    assert postings.postings_holding_any(["凤城"]) == {welding.id, care.id, shop.id, closed.id}
    assert postings.postings_holding_any(["+++"]) is None  # nothing to look up: the caller ranks all
    assert postings.postings_holding_any([]) == set()  # no evidence: only the postings naming the major
    show = text("SHOW enable_seqscan")
    assert db.session.scalar(show) == "on"
    db.session.execute(text("SET LOCAL enable_seqscan = off"))  # a transaction that chose otherwise
    postings.postings_holding_any(["焊接"])
    assert db.session.scalar(show) == "off"
    db.session.rollback()
