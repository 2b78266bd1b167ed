"""Publishing or editing a major ranks that major's column only and merges it into each
posting's top proposals (issue 11): the same proposals a full re-rank would store."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Proposal, TextModelState
from portal.partnerships import matching
from portal.partnerships import services as proposals
from tests.partnerships.test_proposals import publish_posting, publish_program

MAJORS = ("焊接技术应用", "数控技术应用", "机械制造技术", "护理")


def _stored() -> dict[tuple[int, int], float]:
    return {
        (p.posting_id, p.program_id): round(p.score, 6)
        for p in db.session.scalars(select(Proposal).where(Proposal.origin == "matcher"))
    }


@pytest.fixture
def spy(monkeypatch):
    """What each call of the matching library ranked: (demands, programs, majors the text model
    was fitted on) -- the model is the kept one (issue 31), fitted on every live major."""
    calls = []
    rank = matching.matching.rank

    def recording(demands, programs, **options):
        assert "corpus" not in options  # the kept model stands for the corpus: the majors are not read
        model = options.get("model")
        kept = db.session.scalar(select(TextModelState.majors)) if model is not None else None
        calls.append((len(demands), len(programs), kept))
        return rank(demands, programs, **options)

    monkeypatch.setattr(matching.matching, "rank", recording)
    return calls


def test_publishing_a_major_ranks_its_column_alone_and_stores_what_a_full_rerank_would(build, spy):
    staff = build.school(programs=MAJORS)
    hr = build.enterprise()
    for title in ("焊接技术应用订单班", "数控车工学徒", "机械装配工实习"):
        publish_posting(hr, title=title)
    for name in MAJORS:
        spy.clear()
        publish_program(staff, name=name)  # the job runs inline in tests
        # The live postings against this one major, the model fitted on every live major: on
        # PostgreSQL only those whose search terms hold evidence for it (issue 31), else all.
        if db.engine.dialect.name == "postgresql":
            assert all(d <= 3 and (p, c) == (1, MAJORS.index(name) + 1) for d, p, c in spy), spy
        else:
            assert spy == [(3, 1, MAJORS.index(name) + 1)]
    incremental = _stored()
    assert incremental
    matching.recompute_all()
    db.session.commit()
    full = _stored()
    assert full.keys() == incremental.keys()
    # The last major was ranked against every major, as the full re-rank does. (Earlier ones were
    # scored when fewer majors were live, which moves the text model a little: the full re-rank,
    # an administrators' job, brings those scores up to date.)
    last = max(program for _, program in full)
    assert {k: v for k, v in incremental.items() if k[1] == last} == pytest.approx(
        {k: v for k, v in full.items() if k[1] == last}, abs=1e-5
    )


def test_a_better_major_takes_the_place_of_the_weakest_untouched_proposal(build, monkeypatch):
    monkeypatch.setattr(matching, "TOP_K", 2)
    staff = build.school(programs=MAJORS)
    hr = build.enterprise()
    posting = publish_posting(hr, title="焊接技术应用订单班")
    for name in ("数控技术应用", "机械制造技术"):
        publish_program(staff, name=name)
    before = {program for (_, program) in _stored()}
    assert len(before) == 2
    weakest = min(db.session.scalars(select(Proposal)), key=lambda p: p.score).program_id
    welding = publish_program(staff, name="焊接技术应用")
    after = _stored()
    assert (posting.id, welding.id) in after and len(after) == 2
    assert (posting.id, weakest) not in after


def test_a_proposal_someone_acted_on_stays_when_pushed_out(build, monkeypatch):
    monkeypatch.setattr(matching, "TOP_K", 1)
    staff = build.school(programs=MAJORS)
    hr = build.enterprise()
    posting = publish_posting(hr, title="焊接技术应用订单班")
    publish_program(staff, name="机械制造技术")
    (first,) = db.session.scalars(select(Proposal)).all()
    proposals.decline(staff, first.id, "本学期名额已满")
    db.session.commit()
    welding = publish_program(staff, name="焊接技术应用")
    stored = {(p.posting_id, p.program_id): p.status for p in db.session.scalars(select(Proposal))}
    assert stored == {(posting.id, first.program_id): "declined", (posting.id, welding.id): "proposed"}


def test_on_postgresql_a_major_ranks_only_the_postings_that_could_be_proposed_to_it(build, spy):
    """Issue 31: a major's ranking reads the postings whose search terms hold evidence for it
    (matching.ranking.evidence_terms) or that ask for it by name; the proposals are those of a
    full re-rank (the test above)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the search terms' index is PostgreSQL's")
    staff = build.school(programs=("护理",))
    hr = build.enterprise()
    publish_posting(hr, title="焊接技术应用订单班")
    publish_posting(hr, title="养老护理员订单班", skills="护理、照护", description="照护老人", major="护理")
    publish_posting(hr, title="电商直播运营订单班", skills="直播", description="直播带货", major="电子商务")
    spy.clear()
    publish_program(staff, name="护理", skills="护理、照护", certificates="")
    assert [d for d, _p, _c in spy] == [1]  # the care posting alone
    assert {title for title in _proposed_titles()} == {"养老护理员订单班"}


def _proposed_titles() -> set[str]:
    from portal.models import Posting

    return set(
        db.session.scalars(
            select(Posting.title)
            .join(Proposal, Proposal.posting_id == Posting.id)
            .where(Proposal.origin == "matcher")
        )
    )
