"""Publishing or editing a major ranks that major's column only and merges it into each
posting's top proposals (issue 11): the same proposals a full re-rank would store."""

from __future__ import annotations

import gc

import pytest
from sqlalchemy import delete, select, update

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
    was fitted on) -- the model is the kept one (issue 31), fitted on every live major; a major's
    ranking reads the postings as kept with it (rank_features)."""
    calls = []
    rank = matching.matching.rank

    def recording(demands, programs, **options):
        assert "corpus" not in options  # the kept model stands for the corpus: the majors are not read
        model = options.get("model")
        kept = db.session.scalar(select(TextModelState.majors)) if model is not None else None
        calls.append((len(demands), len(programs), kept))
        return rank(demands, programs, **options)

    def recording_kept(features, programs, model, **options):
        calls.append((len(features), len(programs), db.session.scalar(select(TextModelState.majors))))
        return rank_features(features, programs, model, **options)

    rank_features = matching.matching.ranking.rank_features
    monkeypatch.setattr(matching.matching, "rank", recording)
    monkeypatch.setattr(matching.matching.ranking, "rank_features", recording_kept)
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


# --- the kept text model (issue 31: a major's ranking touches one column) ----------------------


def _rows() -> dict[tuple[int, int], tuple]:
    """Every proposal as stored: (score, reasons, status, origin, scored_at, updated_at) by pair."""
    return {
        (r.posting_id, r.program_id): (r.score, r.reasons, r.status, r.origin, r.scored_at, r.updated_at)
        for r in db.session.execute(
            select(
                Proposal.posting_id,
                Proposal.program_id,
                Proposal.score,
                Proposal.reasons,
                Proposal.status,
                Proposal.origin,
                Proposal.scored_at,
                Proposal.updated_at,
            )
        )
    }


@pytest.fixture
def district(demo):
    """The demo data and 60 synthetic postings of 20 enterprises and 40 majors of 4 schools, ranked
    by the district's recompute (which fits the text model and keeps it)."""
    from seed.synthetic import generate

    generate(20, postings_per_enterprise=3)
    db.session.commit()
    matching.recompute_all()
    db.session.commit()
    return _rows()


@pytest.fixture
def fits(monkeypatch):
    """Each time the text model is fitted: the number of majors it was fitted on."""
    calls = []
    fit = matching.matching.ranking.fit_text_model

    def recording(programs):
        calls.append(len(programs))
        return fit(programs)

    monkeypatch.setattr(matching.matching.ranking, "fit_text_model", recording)
    return calls


def _rank_alone(program_id: int) -> None:
    """The major's untouched matcher proposals taken away, then its ranking job run (inline)."""
    from portal.models import Job, User
    from portal.platform import jobs

    db.session.execute(
        delete(Proposal).where(
            Proposal.program_id == program_id, Proposal.origin == "matcher", Proposal.status == "proposed"
        )
    )
    db.session.commit()
    staff = db.session.scalar(select(User).where(User.email == "school@xiaoqi-demo.cn"))
    job = jobs.submit("rank_programs", user=staff, args={"program_ids": [program_id]})
    db.session.commit()  # the inline backend runs it here, as a worker would
    job = db.session.get(Job, job.id)
    db.session.refresh(job)
    assert job.kind == "rank_programs" and job.status == "done", job.error


def _assert_as_full(full: dict, before: dict, after: dict, program_id: int) -> None:
    """The major's proposals are those of the full recompute (same pairs, scores, reasons); every
    other proposal is as it was `before`, its timestamps too."""
    mine = {key: row for key, row in after.items() if key[1] == program_id}
    assert mine.keys() == {key for key in full if key[1] == program_id}
    for key, (score, reasons, status, *_rest) in mine.items():
        assert abs(score - full[key][0]) <= 1e-9, key
        assert reasons == full[key][1] and status == full[key][2], key
    assert {k: v for k, v in after.items() if k[1] != program_id} == {
        k: v for k, v in before.items() if k[1] != program_id
    }


def test_a_major_ranked_with_the_kept_model_gets_what_the_district_recompute_gave(
    district, fits, monkeypatch
):
    full = district
    read = []  # postings read as demands: none, their features were kept by the recompute
    demand_for = matching.demand_for
    monkeypatch.setattr(
        matching, "demand_for", lambda posting: read.append(posting.id) or demand_for(posting)
    )
    kept = db.session.scalar(select(TextModelState.id))
    assert kept is not None
    sample = sorted({program for _, program in full})[::4]
    assert len(sample) >= 5
    before = full
    for program_id in sample:
        _rank_alone(program_id)
        after = _rows()
        _assert_as_full(full, before, after, program_id)
        before = after
    assert fits == []  # the kept model served every ranking: no major was read to fit one
    assert read == []
    assert db.session.scalars(select(TextModelState.id)).all() == [kept]


@pytest.mark.parametrize("how", ["missing", "other version", "majors drifted"])
def test_without_a_current_model_a_major_is_ranked_with_one_fitted_on_every_major(district, fits, how):
    full = district
    live = db.session.scalar(select(TextModelState.majors))
    if how == "missing":
        db.session.execute(delete(TextModelState))
    elif how == "other version":
        db.session.execute(update(TextModelState).values(version="0000000000000000"))
    else:  # fitted when half as many majors were live
        db.session.execute(update(TextModelState).values(majors=live // 2))
    db.session.commit()
    program_id = max(program for _, program in full)
    _rank_alone(program_id)
    assert fits == [live]
    before = _rows()
    _assert_as_full(full, full, before, program_id)
    (state,) = db.session.execute(select(TextModelState.version, TextModelState.majors)).all()
    assert tuple(state) == (matching.matching.ranking.model_version(), live)
    fits.clear()  # the model fitted then is kept: the next major is ranked with it
    _rank_alone(program_id)
    assert fits == []
    _assert_as_full(full, before, _rows(), program_id)


def test_a_posting_edited_since_its_features_were_kept_is_read_again(district, monkeypatch):
    """Kept features are valid while the posting is unchanged: an edit (a new updated_at) or
    its enterprise's new industry makes the next major's ranking read it afresh."""
    from portal.models import Organisation, Posting, PostingFeatures

    program_id = max(program for _, program in district)
    posting_id = min(posting for posting, program in district if program == program_id)
    posting = db.session.get(Posting, posting_id)
    db.session.execute(
        update(Posting).where(Posting.id == posting_id).values(title=posting.title + "（急招）")
    )
    enterprise = db.session.get(Organisation, posting.enterprise_id)
    other = db.session.scalar(
        select(Posting.id)
        .where(Posting.enterprise_id != enterprise.id, Posting.id != posting_id)
        .order_by(Posting.id)
        .limit(1)
    )
    moved = db.session.get(Posting, other).enterprise_id
    # Another industry than its own (the demo's first enterprises include a care home's).
    industry = "it" if db.session.get(Organisation, moved).industry == "care" else "care"
    db.session.execute(update(Organisation).where(Organisation.id == moved).values(industry=industry))
    db.session.commit()
    read = []
    demand_for = matching.demand_for
    monkeypatch.setattr(matching, "demand_for", lambda p: read.append(p.id) or demand_for(p))
    # Every live posting.
    monkeypatch.setattr(matching, "_candidates", lambda programs: matching._live_stamps())
    _rank_alone(program_id)
    changed = set(db.session.scalars(select(Posting.id).where(Posting.enterprise_id == moved))) | {posting_id}
    assert sorted(read) == sorted(changed & set(matching.live_posting_ids()))  # those alone, once
    db.session.expire_all()
    kept = db.session.get(PostingFeatures, posting_id)
    assert kept.stamp == db.session.get(Posting, posting_id).updated_at
    read.clear()
    _rank_alone(program_id)  # kept afresh by the ranking before
    assert read == []


# --- what a worker holds between jobs (issue 31: matching.Held) --------------------------------


@pytest.fixture
def reads(monkeypatch):
    """Postings read for a ranking: as demands (their features computed) and as kept rows."""
    calls = {"demand": [], "kept": []}
    demand_for, read_kept = matching.demand_for, matching._read_kept
    monkeypatch.setattr(matching, "demand_for", lambda p: calls["demand"].append(p.id) or demand_for(p))

    def recording(kept, ids=None):
        rows = read_kept(kept, ids)
        calls["kept"].extend(row[0] for row in rows)
        return rows

    monkeypatch.setattr(matching, "_read_kept", recording)
    # Every live posting.
    monkeypatch.setattr(matching, "_candidates", lambda programs: matching._live_stamps())
    return calls


def _scored() -> dict[tuple[int, int], tuple]:
    """Every proposal's (score, reasons, status, origin) by pair (a ranking job writes the ranked
    major's rows anew: their timestamps change)."""
    return {key: row[:4] for key, row in _rows().items()}


def _edit_elsewhere(statement) -> None:
    """A write by another process: its own connection and transaction, nothing this one holds told."""
    with db.engine.begin() as connection:
        connection.execute(statement)


def test_a_worker_reads_each_posting_once_and_sees_an_edit_made_by_another_process(district, reads):
    from portal.models import Posting

    program_id = max(program for _, program in district)
    matching._held.clear()  # a worker just started
    _rank_alone(program_id)
    live = matching.live_posting_ids()
    assert sorted(reads["kept"]) == live and reads["demand"] == []
    first = _scored()
    reads["kept"].clear()
    _rank_alone(program_id)  # the next job: nothing read again
    assert reads == {"demand": [], "kept": []}
    assert _scored() == first
    posting_id = live[len(live) // 2]
    title = db.session.get(Posting, posting_id).title
    _edit_elsewhere(
        update(Posting).where(Posting.id == posting_id).values(title=title + "焊接技术应用订单班")
    )
    _rank_alone(program_id)
    assert reads == {"demand": [posting_id], "kept": []}  # that posting alone, from its new text
    db.session.expire_all()
    held = matching._held.features[posting_id]
    assert held.stamp == (db.session.get(Posting, posting_id).updated_at, held.stamp.industry)
    # What the held features give is what a worker that holds nothing would store.
    with_held = _scored()
    matching._held.clear()
    _rank_alone(program_id)
    assert _scored() == with_held


def test_another_kept_model_drops_what_the_worker_held(district, reads):
    program_id = max(program for _, program in district)
    matching._held.clear()
    _rank_alone(program_id)
    before = _rows()
    old = db.session.execute(select(TextModelState)).scalar_one()
    # Another process keeps a model (here the same n-grams, so the scores stay comparable): the
    # kept features go with the old row, and the id may even be the old one again (SQLite).
    values = {"version": old.version, "majors": old.majors, "state": old.state}
    fitted_at = old.fitted_at
    _edit_elsewhere(delete(TextModelState))
    _edit_elsewhere(
        TextModelState.__table__.insert().values(**values, id=old.id, fitted_at=fitted_at.replace(year=2030))
    )
    db.session.expire_all()
    reads["kept"].clear()
    _rank_alone(program_id)
    assert sorted(reads["demand"]) == matching.live_posting_ids()  # none of the held features used
    assert matching._held.key[1:] == (old.id, fitted_at.replace(year=2030))
    after = _rows()
    _assert_as_full(before, before, after, program_id)


@pytest.mark.parametrize("limit", [0, 7])
def test_a_worker_holds_at_most_the_postings_it_is_allowed(district, reads, app, limit):
    full = district
    program_id = max(program for _, program in full)
    app.config["MATCHER_HELD_POSTINGS"] = limit
    matching._held.clear()
    _rank_alone(program_id)
    assert len(matching._held.features) == limit
    before = _rows()
    _assert_as_full(full, full, before, program_id)
    reads["kept"].clear()
    _rank_alone(program_id)  # the others are read from the database again, with the same result
    assert len(reads["kept"]) == len(matching.live_posting_ids()) - limit
    assert len(matching._held.features) == limit
    _assert_as_full(full, before, _rows(), program_id)


def test_a_worker_loads_the_library_the_model_and_the_features_before_its_first_job(district, reads):
    from portal.platform import jobs

    matching._held.clear()
    gc.unfreeze()
    try:
        jobs.warm_up()
        # What it holds is left out of the collector's full collections (a job's large reads walked it).
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()  # this test process goes on with other apps
    assert sorted(matching._held.features) == matching.live_posting_ids()
    reads["kept"].clear()
    _rank_alone(max(program for _, program in district))
    assert reads == {"demand": [], "kept": []}
