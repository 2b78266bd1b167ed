"""The one door to the `matching` library: portal records in, the library's results out.

Each workflow owns one section below. Partnership proposals (ranking): published
postings of verified enterprises become `matching.Demand`s, published majors of
verified schools become `matching.Program`s; `matching.rank` scores them and the
best pairs are stored as `Proposal` rows with their structured reasons.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import itertools
import json
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from flask import current_app
from sqlalchemy import Integer, any_, bindparam, delete, func, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload

from portal.audit import services as audit
from portal.certificates.services import certified_by_program  # issue 29: the matcher's evidence
from portal.extensions import db
from portal.organisations.models import Organisation
from portal.partnerships.models import Origin, PostingFeatures, Proposal, ProposalStatus, TextModelState
from portal.platform import bulk, checks, events, vocab
from portal.platform.locking import transition
from portal.platform.model_base import utcnow
from portal.postings import services as posting_search
from portal.postings.models import Posting
from portal.postings.services import normalise_list
from portal.programs import catalogue
from portal.programs.models import Program, PublicationStatus


class _OnFirstUse:
    """The module `name`, imported when one of its attributes is first read.

    The matcher pulls in scipy and scikit-learn, about 1.2 s; without this every app start, CLI
    command and worker process paid for it before any ranking. Not the stdlib's LazyLoader: that
    puts a half-made package in sys.modules, and a later `import matching.ranking` (a script, a
    shell) then ran ranking.py a second time, so `matching.Program` was no longer the class the
    ranking checks with isinstance and fitting the text model failed.
    """

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str):
        module = importlib.import_module(self._name)
        self.__dict__.update(vars(module))  # later reads are plain attribute reads
        return getattr(module, attribute)


if TYPE_CHECKING:
    import matching
else:
    matching = _OnFirstUse("matching")

# --- partnership proposals (ranking) ---
# Owned by the match review workflow (portal.partnerships.services). Stored codes are translated into the
# names the library's data files use (industry → 高端装备制造, major → its catalogue group 装备制造大类,
# town code → 凤城街道). Each pair carries a fingerprint of exactly those inputs: a declined proposal
# comes back only when it changes. TF-IDF is fitted on the programs, so every ranking fits it on all
# published majors (as `corpus` when only some majors' columns are ranked); ranking only some demands
# (one posting, a chunk) or only some majors gives the scores ranking all would.

TOP_K = 8  # majors proposed per posting
CHUNK = 200  # postings ranked per step of a full recompute

# vocab.INDUSTRIES codes → the industry names of matching/data/industry_affinity.tsv.
INDUSTRY_NAMES: dict[str, str] = {
    "equipment": "高端装备制造",
    "new_energy": "新能源",
    "new_materials": "新材料",
    "pharma": "新医药",
    "agriculture": "现代高效农业",
    "services": "现代服务业",
    "ecommerce": "农村电商",
    "care": "医学护理及老年人护理",
    "automotive": "新能源汽车",
    "it": "信息技术",
    "construction": "建筑业",
}

# Kind-specific details whose text says what the demand is about.
_DETAIL_TEXT_KEYS = ("major", "class_name", "expectations", "rotation", "positions", "courses")
_PEOPLE_TEXT_KEYS = ("skills", "expertise")


def _items(raw: str | None) -> tuple[str, ...]:
    return tuple(item for item in normalise_list(raw).split("、") if item)


def _details_text(details: dict) -> list[str]:
    parts = [details[key] for key in _DETAIL_TEXT_KEYS if isinstance(details.get(key), str) and details[key]]
    for value in details.values():
        if isinstance(value, list):
            parts.extend(
                row[key]
                for row in value
                if isinstance(row, dict)
                for key in _PEOPLE_TEXT_KEYS
                if isinstance(row.get(key), str) and row[key]
            )
    return parts


def demand_for(posting: Posting) -> matching.Demand:
    enterprise = posting.enterprise
    details = posting.details or {}
    description = "\n".join([posting.description, *_details_text(details)]).strip()
    major = details.get("major")
    major = major.strip() if isinstance(major, str) else ""
    # HR may write an old name (工业分析与检验): the matcher is given its 2021 major.
    major = catalogue.resolve(major).name or major
    return matching.Demand(
        id=str(posting.id),
        title=posting.title,
        description=description,
        kind=posting.kind,
        industry=INDUSTRY_NAMES.get(enterprise.industry or "", ""),
        skills=_items(posting.skills),
        certificates=_items(posting.certificates),
        headcount=posting.headcount or None,
        town=vocab.TOWNS.get(posting.town, ""),
        major=major,  # order classes and apprenticeships name one
    )


def program_for(program: Program, certified: tuple[str, ...] = ()) -> matching.Program:
    """The matcher's view of a school's major: its 2021 catalogue group and code as stored (a major
    flagged with an old name is matched on its name only). `certified`: the certificates its
    students passed, as their school recorded them (`certified_by_program`)."""
    return matching.Program(
        id=str(program.id),
        name=program.name,
        description=program.description,
        school=program.school.name,
        industry=program.category or "",
        skills=_items(program.skills),
        certificates=_items(program.certificates),
        capacity=program.intake_capacity or None,
        town=vocab.TOWNS.get(program.school.town, ""),
        code=program.code or "",
        certified=certified,
    )


# Fields that follow from others already in the digest (a posting's major wanted is in its
# description, a major's code comes from its catalogue name): left out, so that fingerprints
# stored before the library had them stay valid and declined proposals do not come back.
_DERIVED_FIELDS = frozenset({"major", "code"})
# Evidence added later (issue 29): counted only when there is some, so that the fingerprints of
# majors without it stay those stored before.
_EVIDENCE_FIELDS = frozenset({"certified"})


@cache
def _digested(kind: type) -> tuple[str, ...]:
    # Once per class: `fields()` on each of 50,000 records was a second of a district's recompute.
    return tuple(f.name for f in fields(kind) if f.name not in _DERIVED_FIELDS)


def digest(record: matching.Demand | matching.Program) -> str:
    """sha256 of every field of one matcher input (computed once per record, not per pair)."""
    values = [
        getattr(record, name)
        for name in _digested(type(record))
        if not (name in _EVIDENCE_FIELDS and not getattr(record, name))
    ]
    payload = json.dumps([type(record).__name__, *values], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def fingerprint(demand: matching.Demand, program: matching.Program, *, digests: dict | None = None) -> str:
    """sha256 of everything the pair's score is computed from (both records' digests)."""
    if digests is None:
        digests = {}
    parts = []
    for record in (demand, program):
        key = (type(record).__name__, record.id)
        if key not in digests:
            digests[key] = digest(record)
        parts.append(digests[key])
    return _pair_print(*parts)


def _pair_print(demand_digest: str, program_digest: str) -> str:
    return hashlib.sha256(f"{demand_digest}:{program_digest}".encode("ascii")).hexdigest()


def reasons_of(match: matching.Match) -> list[dict]:
    return list(match.to_dict()["reasons"])  # type: ignore[arg-type]


# --- what takes part ----------------------------------------------------------------


def _posting_is_live(posting: Posting) -> bool:
    return (
        posting.status == PublicationStatus.PUBLISHED.value
        and posting.enterprise.is_verified
        and posting.deadline >= checks.district_today()
    )


def _live(*columns):
    return (
        select(*columns)
        .join(Organisation, Posting.enterprise_id == Organisation.id)
        .where(
            Posting.status == PublicationStatus.PUBLISHED.value,
            Posting.deadline >= checks.district_today(),
            Organisation.is_verified,
        )
    )


def live_posting_ids() -> list[int]:
    return list(db.session.scalars(_live(Posting.id).order_by(Posting.id)))


def _live_stamps(ids: Sequence[int] | None = None) -> dict[int, Stamp]:
    """The `Stamp` of each live posting (of these, when given), in the order of their ids."""
    stamps = {}
    columns = (Posting.id, Posting.updated_at, func.coalesce(Organisation.industry, ""))
    for chunk in [None] if ids is None else _batches(sorted(ids)):
        query = _live(*columns).order_by(Posting.id)
        if chunk is not None:
            query = query.where(_among(Posting.id, chunk))
        # Through the connection, not the ORM: its rows had cost as much again as the reading
        # (a major's candidates are 22,000 postings at 5×).
        rows = db.session.connection().execute(query)
        stamps.update((posting_id, Stamp(updated_at, industry)) for posting_id, updated_at, industry in rows)
    return stamps


# --- storing results ---------------------------------------------------------------


@dataclass
class Tally:
    """What one recompute did, for the progress page and the command's output."""

    postings: int = 0  # live postings ranked
    scored: int = 0  # pairs the matcher proposes (new or refreshed)
    created: int = 0
    reopened: int = 0  # declined proposals whose inputs changed
    kept_declined: int = 0  # declined proposals whose inputs did not change
    removed: int = 0  # untouched proposals the matcher no longer makes

    def add(self, other: Tally) -> None:
        for key in asdict(self):
            setattr(self, key, getattr(self, key) + getattr(other, key))

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


# (posting id, program id) → (score, the library's Match, fingerprint); reasons are built only when stored.
Pairs = dict[tuple[int, int], tuple[float, "matching.Match", str]]


def _rank_pairs(
    posting_list: Sequence[Posting],
    programs: Sequence[Program],
    *,
    top_k: int = TOP_K,
    threshold: float | None = None,
    corpus: Sequence[Program] | None = None,
    model: matching.text.TextModel | None = None,
    on_model: Callable[[matching.text.TextModel], None] | None = None,
    on_features: Callable[[list], None] | None = None,
    digests: dict | None = None,
) -> Pairs:
    """The pairs the matcher proposes for these postings, among these majors (scored as among
    the `corpus` of every live major, or with the text `model` fitted on them, when given)."""
    demands = {p.id: demand_for(p) for p in posting_list if _posting_is_live(p)}
    certified = certified_by_program() if demands else {}
    majors = {p.id: program_for(p, certified.get(p.id, ())) for p in programs}
    if not demands or not majors:
        return {}
    options: dict = {} if threshold is None else {"threshold": threshold}
    digests = {} if digests is None else digests
    if on_model is not None:
        options["on_model"] = on_model
    if on_features is not None:  # kept with each demand's digest (`_keep_features`)
        options["on_features"] = on_features
        for demand in demands.values():
            digests.setdefault(("Demand", demand.id), digest(demand))
    if model is not None:
        options["model"] = model
    elif corpus is not None:
        options["corpus"] = [program_for(p, certified.get(p.id, ())) for p in corpus]
    rankings = matching.rank(list(demands.values()), list(majors.values()), top_k=top_k, **options)
    return _pairs(
        rankings,
        lambda posting_id, program_id: fingerprint(demands[posting_id], majors[program_id], digests=digests),
    )


# What _store needs of a stored proposal: read as plain rows, not ORM objects (their JSON
# reasons alone took seconds to decode on a district's recompute).
_EXISTING = (
    Proposal.id,
    Proposal.posting_id,
    Proposal.program_id,
    Proposal.status,
    Proposal.origin,
    Proposal.inputs_fingerprint,
    Proposal.score,
)


def _existing(*where) -> list:
    return list(db.session.execute(select(*_EXISTING).where(*where)))


def _among(column, ids: Sequence[int]):
    """`column IN ids`; on PostgreSQL as one array parameter (thousands of ids, each its own
    parameter, took longer to send than the query took to run)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(ids), type_=ARRAY(Integer)))
    return column.in_(list(ids))


def _store(
    pairs: Pairs, existing: list, enterprise_of: dict[int, int], school_of: dict[int, int], tally: Tally
) -> None:
    """Upsert the matcher's pairs; drop untouched matcher proposals it no longer makes.

    A declined proposal stays declined while its fingerprint is unchanged; an agreed one keeps
    the score it was agreed on; a pair whose inputs and score did not change is not rewritten.
    Rows are written in bulk (new ones by `bulk.insert_rows`: COPY on PostgreSQL; changed ones
    by a Core executemany), not through the unit of work: a district's recompute writes tens of
    thousands of them, and the ORM spent two thirds of the time on it.
    """
    now = utcnow()
    by_pair = {(row.posting_id, row.program_id): row for row in existing}
    new_rows: list[dict] = []
    new_matches: list[matching.Match] = []  # each new row's, explained as the row is written
    updates: list[dict] = []
    for key, (score, match, print_) in pairs.items():
        row = by_pair.get(key)
        if row is None:
            posting_id, program_id = key
            new_rows.append(
                {
                    "posting_id": posting_id,
                    "program_id": program_id,
                    "enterprise_id": enterprise_of[posting_id],
                    "school_id": school_of[program_id],
                    "status": ProposalStatus.PROPOSED.value,
                    "origin": Origin.MATCHER.value,
                    "score": score,
                    "inputs_fingerprint": print_,
                    "scored_at": now,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            new_matches.append(match)
            tally.created += 1
            tally.scored += 1
            continue
        if row.status == ProposalStatus.AGREED.value:
            continue
        if row.status == ProposalStatus.DECLINED.value:
            if row.inputs_fingerprint == print_:
                tally.kept_declined += 1
                continue
            _reopen(db.session.get(Proposal, row.id))
            tally.reopened += 1
        tally.scored += 1
        if row.inputs_fingerprint == print_ and row.score == score:
            continue  # nothing about the pair changed
        updates.append(
            {
                "b_id": row.id,
                "score": score,
                "reasons": reasons_of(match),
                "inputs_fingerprint": print_,
                "scored_at": now,
                "updated_at": now,
            }
        )
    gone = [
        row.id
        for key, row in by_pair.items()
        if key not in pairs
        and row.status == ProposalStatus.PROPOSED.value
        and row.origin == Origin.MATCHER.value
    ]
    tally.removed += len(gone)
    db.session.flush()  # the reopened proposals, before the bulk statements touch the same rows
    table = Proposal.__table__
    if new_rows:
        # The reasons are explained while the rows stream to the database (COPY on PostgreSQL),
        # not all before: the database then writes one row as the next is explained, instead of
        # the job waiting for it at the end of each chunk (7.5 s of a district's 5× recompute).
        bulk.insert_rows(
            table,
            ({**row, "reasons": reasons_of(match)} for row, match in zip(new_rows, new_matches)),
        )
        for row in new_rows:
            events.emit(
                events.PROPOSAL_CREATED,
                organisations=(row["school_id"], row["enterprise_id"]),
                data={key: row[key] for key in _EVENT_KEYS},
            )
    if updates:
        db.session.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(
                score=bindparam("score"),
                reasons=bindparam("reasons"),
                inputs_fingerprint=bindparam("inputs_fingerprint"),
                scored_at=bindparam("scored_at"),
                updated_at=bindparam("updated_at"),
            ),
            updates,
        )
    # Proposal objects this session holds: deleted through the session (the caller may still
    # read them), the others' rows in bulk; updated ones read afresh. By identity key: reading an
    # expired object's id would load its row.
    held = {
        ident: db.session.identity_map.get(db.session.identity_key(Proposal, ident))
        for ident in [u["b_id"] for u in updates] + gone
    }
    for ident in gone:
        if held[ident] is not None:
            db.session.delete(held[ident])
    unheld = [ident for ident in gone if held[ident] is None]
    if unheld:
        db.session.execute(delete(table).where(table.c.id.in_(unheld)))
    for update_ in updates:
        if held[update_["b_id"]] is not None:
            db.session.expire(held[update_["b_id"]])
    db.session.flush()


# What a proposal.created event says about a proposal the matcher made (written in bulk, so
# without its id: the pair identifies it).
_EVENT_KEYS = ("posting_id", "program_id", "school_id", "enterprise_id", "score", "origin", "status")


def _reopen(proposal: Proposal) -> None:
    """A declined proposal whose inputs changed is proposed again, from the start."""
    transition(proposal, ProposalStatus.PROPOSED.value)
    proposal.origin = Origin.MATCHER.value
    proposal.started_by_id = None
    proposal.school_interested_at = proposal.enterprise_interested_at = None
    proposal.terms = proposal.terms_by = proposal.terms_at = None
    proposal.declined_by = proposal.decline_reason = proposal.declined_at = None
    audit.record(
        None,
        proposal,
        "reopen",
        ProposalStatus.DECLINED.value,
        ProposalStatus.PROPOSED.value,
        audit.coded("inputs_changed"),
    )


def _load_postings(ids: Sequence[int] | None = None) -> list[Posting]:
    query = select(Posting).options(joinedload(Posting.enterprise)).order_by(Posting.id)
    if ids is not None:
        query = query.where(Posting.id.in_(list(ids)))
    return list(db.session.scalars(query).unique())


def _live_programs(*columns):
    return (
        select(*columns)
        .join(Organisation, Program.school_id == Organisation.id)
        .where(Program.status == PublicationStatus.PUBLISHED.value, Organisation.is_verified)
    )


def _programs(ids: Sequence[int] | None = None) -> list[Program]:
    """The live majors (published, of a verified school), or those of them with these ids."""
    query = _live_programs(Program).options(joinedload(Program.school)).order_by(Program.id)
    if ids is not None:
        query = query.where(Program.id.in_(list(ids)))
    return list(db.session.scalars(query).unique())


# --- the text model, fitted on the live majors and kept (issue 31) ---------------------------
# Fitting the model means reading and preparing every live major (10,000 at 5x the district): a
# major's ranking would spend nearly all its time on it. The district's recompute fits it and keeps
# it (TextModelState); a major published or edited is ranked with the kept one. Scores are those of
# a full re-rank while the majors it was fitted on are those live; one major more or changed moves
# the n-grams' weights by about 1/n of a major's share, so the kept model serves until the number
# of live majors has drifted by MODEL_DRIFT (a new school's majors, a district starting from none)
# or the library's knowledge or code changed (`model_version`); then the next ranking fits and
# keeps a new one, as does every district recompute.
MODEL_DRIFT = 0.05


@dataclass(frozen=True)
class Kept:
    """The text model to rank with and the id of its row (the postings' features are kept with it)."""

    model: matching.text.TextModel
    id: int


class Stamp(NamedTuple):
    """What a posting's features follow from besides the model: its updated_at and its enterprise's
    industry (the features are current while both are those in the database)."""

    updated_at: datetime
    industry: str


def _stamp_of(posting: Posting) -> Stamp:
    return Stamp(posting.updated_at, posting.enterprise.industry or "")


class HeldFeatures(NamedTuple):
    stamp: Stamp
    digest: str
    features: object  # matching.ranking.DemandFeatures


@dataclass
class Held:
    """The kept model and the postings' features this process holds between rankings (issue 31).

    A worker runs job after job in one process (`flask worker`); reading 50,000 postings'
    features from the database took most of a major's ranking. The database stays the truth:
    the model is used while it is the newest kept row (its id and fitted_at), and each posting's
    features only while its `Stamp` is the one the database has now, so an edit by another
    process is read afresh; another model kept drops them all (its row's id alone could be
    reused by SQLite, hence fitted_at; and the database, for a process that serves two). At most
    MATCHER_HELD_POSTINGS postings are held, the longest unrefreshed leave first: about 2.4 KB
    each (the 45,112 live postings of the 5x bench took 105 MB). Jobs in threads (the "thread"
    backend) share it: changes are made under a lock, and a reader keeps the dict it was given."""

    key: tuple | None = None  # (database, model row id, fitted_at)
    kept: Kept | None = None
    features: dict[int, HeldFeatures] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @staticmethod
    def key_of(kept_id: int, fitted_at: datetime) -> tuple:
        return (db.engine.url.render_as_string(), kept_id, fitted_at)

    def model(self, kept_id: int, fitted_at: datetime) -> Kept | None:
        """The model held, if it is the kept row `kept_id` fitted at `fitted_at`."""
        with self.lock:
            return self.kept if self.key == self.key_of(kept_id, fitted_at) else None

    def hold_model(self, kept: Kept, fitted_at: datetime) -> Kept:
        with self.lock:
            if self.key != self.key_of(kept.id, fitted_at):
                self.key, self.kept, self.features = self.key_of(kept.id, fitted_at), kept, {}
            return self.kept

    def features_of(self, kept: Kept) -> dict[int, HeldFeatures]:
        with self.lock:
            return self.features if kept is self.kept else {}

    def hold_features(self, kept: Kept, items: Sequence[tuple[int, Stamp, str, object]]) -> None:
        limit = current_app.config["MATCHER_HELD_POSTINGS"]
        with self.lock:
            if kept is not self.kept or not items or limit <= 0:
                return
            held = self.features
            for posting_id, stamp, digest_, features in items[-limit:]:
                held.pop(posting_id, None)  # to the end: the last to leave
                held[posting_id] = HeldFeatures(stamp, digest_, features)
            for posting_id in list(itertools.islice(held, max(0, len(held) - limit))):
                del held[posting_id]

    def clear(self) -> None:
        with self.lock:
            self.key, self.kept, self.features = None, None, {}


_held = Held()


def _saved_model(live_majors: int) -> Kept | None:
    """The kept text model, unless there is none or it is stale (read again only when this
    process does not hold it already: `_held`)."""
    row = db.session.execute(
        select(TextModelState.id, TextModelState.version, TextModelState.majors, TextModelState.fitted_at)
        .order_by(TextModelState.id.desc())
        .limit(1)
    ).first()
    if row is None or row.version != matching.ranking.model_version():
        return None
    if abs(live_majors - row.majors) > MODEL_DRIFT * max(row.majors, 1):
        return None
    held = _held.model(row.id, row.fitted_at)
    if held is not None:
        return held
    state = db.session.scalar(select(TextModelState.state).where(TextModelState.id == row.id))
    if state is None:  # replaced by another process since
        return None
    try:
        with np.load(io.BytesIO(state), allow_pickle=False) as arrays:
            model = matching.text.TextModel.from_state({name: arrays[name] for name in arrays.files})
    except (KeyError, ValueError, OSError):  # saved in another layout: as stale as another version
        return None
    return _held.hold_model(Kept(model, row.id), row.fitted_at)


def _keep_model(model: matching.text.TextModel, majors: int) -> Kept:
    """Keep this model in place of the last one (and of the postings' features kept with it)."""
    buffer = io.BytesIO()
    np.savez(buffer, **model.state())
    db.session.execute(delete(PostingFeatures))
    db.session.execute(delete(TextModelState))
    row = TextModelState(version=matching.ranking.model_version(), majors=majors, state=buffer.getvalue())
    db.session.add(row)
    db.session.flush()
    return _held.hold_model(Kept(model, row.id), row.fitted_at)


def text_model(corpus: Sequence[Program] | None = None) -> Kept | None:
    """The text model to rank with: the kept one when current, else one fitted now on every live
    major (`corpus`, when the caller has them) and kept. None when no major is live."""
    if corpus is not None:
        live = len(corpus)
    else:
        live = int(db.session.scalar(_live_programs(func.count(Program.id))) or 0)
    if not live:
        return None
    kept = _saved_model(live)
    if kept is None:
        corpus = corpus if corpus is not None else _programs()
        kept = _keep_model(matching.ranking.fit_text_model([program_for(p) for p in corpus]), len(corpus))
    return kept


def _keep_features(kept: Kept, features: Sequence, postings: dict[int, Posting], digests: dict) -> None:
    """Store these postings' features (computed with the kept model) in place of any they had,
    and hold them in this process (`Held`)."""
    rows = []
    held = []
    for item in features:
        posting = postings[int(item.id)]
        key = ("Demand", item.id)
        held.append((posting.id, _stamp_of(posting), digests[key], item))
        rows.append(
            {
                "posting_id": posting.id,
                "model_id": kept.id,
                "stamp": posting.updated_at,
                "industry": posting.enterprise.industry or "",
                "digest": digests[key],
                "evidence": item.evidence,
                "vector": item.vector_bytes(),
            }
        )
    for ids in _chunks([row["posting_id"] for row in rows]):
        db.session.execute(delete(PostingFeatures).where(PostingFeatures.posting_id.in_(ids)))
    # Kept only to spare the next ranking the work: when another ranking keeps the same posting's
    # features at the same moment, this one leaves them to it (no duplicate-key failure).
    upsert = postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = upsert(PostingFeatures.__table__).on_conflict_do_nothing()
    for start in range(0, len(rows), _CHUNK_IDS):
        db.session.execute(statement, rows[start : start + _CHUNK_IDS])
    _held.hold_features(kept, held)


_CHUNK_IDS = 5000  # ids per IN (...) list: SQLite allows 32,766 variables a statement


def _chunks(ids: Sequence[int]):
    for start in range(0, len(ids), _CHUNK_IDS):
        yield list(ids[start : start + _CHUNK_IDS])


def _batches(ids: Sequence[int]):
    """`ids` as the batches an `_among` condition takes: on PostgreSQL all at once (one array
    parameter: each batch of a major's candidates cost the proposals' table one more scan, 170 ms
    at 5×), elsewhere `_chunks`."""
    if db.session.get_bind().dialect.name == "postgresql":
        return [list(ids)] if ids else []
    return _chunks(ids)


def _features(ids: Sequence[int], kept: Kept, stamps: dict[int, Stamp]) -> tuple[list, dict[int, str]]:
    """The features of these live postings in the kept model, and their demands' digests: those
    this process holds where current (`stamps`: each posting's updated_at and its enterprise's
    industry, as the database has them now), else read where kept and current, else computed
    from the postings and kept for the next ranking."""
    features, digest_of = [], {}
    held = _held.features_of(kept)
    reread = []
    for posting_id in ids:
        entry = held.get(posting_id)
        if entry is not None and entry.stamp == stamps.get(posting_id):
            features.append(entry.features)
            digest_of[posting_id] = entry.digest
        else:
            reread.append(posting_id)
    fresh = [row for chunk in _batches(reread) for row in _read_kept(kept, chunk)]
    for posting_id, _stamp, digest_, item in fresh:
        features.append(item)
        digest_of[posting_id] = digest_
    missing = [posting_id for posting_id in reread if posting_id not in digest_of]
    if missing:
        postings = {p.id: p for p in _load_postings(missing)}
        demands = [demand_for(postings[posting_id]) for posting_id in missing]
        computed = matching.ranking.demand_features(demands, kept.model)
        digests = {("Demand", d.id): digest(d) for d in demands}
        _keep_features(kept, computed, postings, digests)
        features.extend(computed)
        digest_of.update({int(d.id): digests[("Demand", d.id)] for d in demands})
    _held.hold_features(kept, fresh)
    order = {posting_id: n for n, posting_id in enumerate(ids)}
    features.sort(key=lambda item: order[int(item.id)])  # in posting order, as a full ranking reads them
    return features, digest_of


def _pairs(rankings, print_of: Callable[[int, int], str]) -> Pairs:
    """{(posting id, program id): (score clamped to 0–1, match, the pair's inputs print)}."""
    pairs: Pairs = {}
    for ranking in rankings:
        posting_id = int(ranking.demand_id)
        for match in ranking.matches:
            program_id = int(match.program_id)
            pairs[(posting_id, program_id)] = (
                min(1.0, max(0.0, float(match.score))),
                match,
                print_of(posting_id, program_id),
            )
    return pairs


def _read_kept(kept: Kept, ids: Sequence[int] | None = None) -> list[tuple[int, Stamp, str, object]]:
    """The features kept with this model that are current (of these postings, or of all):
    (posting id, stamp, digest, features)."""
    query = (
        select(
            PostingFeatures.posting_id,
            PostingFeatures.stamp,
            PostingFeatures.industry,
            PostingFeatures.digest,
            PostingFeatures.evidence,
            PostingFeatures.vector,
        )
        .join(Posting, Posting.id == PostingFeatures.posting_id)
        .join(Organisation, Organisation.id == Posting.enterprise_id)
        .where(
            PostingFeatures.model_id == kept.id,
            PostingFeatures.stamp == Posting.updated_at,
            PostingFeatures.industry == func.coalesce(Organisation.industry, ""),
        )
    )
    if ids is not None:
        query = query.where(_among(PostingFeatures.posting_id, ids))
    return [
        (
            posting_id,
            Stamp(stamp, industry),
            digest_,
            matching.ranking.DemandFeatures.from_stored(str(posting_id), _interned(evidence), vector),
        )
        for posting_id, stamp, industry, digest_, evidence, vector in db.session.execute(query)
    ]


def _interned(value):
    """`value` (evidence as JSON gives it) with each string interned: the same few thousand terms
    recur in every posting, and held for 50,000 postings their copies took most of the memory."""
    if isinstance(value, str):
        return sys.intern(value)
    if isinstance(value, list):
        return [_interned(item) for item in value]
    if isinstance(value, dict):
        return {sys.intern(key): _interned(item) for key, item in value.items()}
    return value


def warm_up() -> None:
    """What a job worker loads before its first job (issue 31): the matching library, the kept
    text model and the live postings' features kept with it (`Held`), so that the first major
    ranked after a worker starts is as quick as the next. Reads only: a stale or missing model
    is left to the first ranking, which fits and keeps one."""
    matching.ranking.preload()
    live = int(db.session.scalar(_live_programs(func.count(Program.id))) or 0)
    kept = _saved_model(live) if live else None
    if kept is not None:
        for ids in _chunks(live_posting_ids()):  # a chunk's rows at a time, beside what is held
            _held.hold_features(kept, _read_kept(kept, ids))


def _rank_kept(
    features: Sequence, digest_of: dict[int, str], programs: Sequence[Program], kept: Kept
) -> Pairs:
    """`_rank_pairs` for postings kept as features: the same pairs, scores, reasons and prints."""
    if not features or not programs:
        return {}
    certified = certified_by_program()
    majors = {p.id: program_for(p, certified.get(p.id, ())) for p in programs}
    program_digests = {program_id: digest(major) for program_id, major in majors.items()}
    rankings = matching.ranking.rank_features(features, list(majors.values()), kept.model, top_k=TOP_K)
    return _pairs(
        rankings,
        lambda posting_id, program_id: _pair_print(digest_of[posting_id], program_digests[program_id]),
    )


def _recompute_postings(
    posting_list: Sequence[Posting], programs: Sequence[Program], *, kept: Kept | None
) -> Tally:
    tally = Tally(postings=sum(1 for p in posting_list if _posting_is_live(p)))
    features: list = []
    digests: dict = {}
    pairs = _rank_pairs(
        posting_list,
        programs,
        model=kept.model if kept else None,
        on_features=features.extend if kept else None,
        digests=digests,
    )
    if kept is not None and features:  # kept for the majors' rankings (`_features`)
        _keep_features(kept, features, {p.id: p for p in posting_list}, digests)
    existing = _existing(Proposal.posting_id.in_([p.id for p in posting_list])) if posting_list else []
    _store(
        pairs,
        existing,
        {p.id: p.enterprise_id for p in posting_list},
        {p.id: p.school_id for p in programs},
        tally,
    )
    return tally


# --- public use cases ------------------------------------------------------------------


def recompute_for_posting(posting: Posting) -> Tally:
    """After a posting is published, changed or closed: its proposals, against every live major
    (one posting: quick enough for the request that saved it)."""
    db.session.flush()
    programs = _programs()
    return _recompute_postings([posting], programs, kept=text_model(programs))


def recompute_for_programs(
    program_ids: Sequence[int], *, progress: Callable[[int, int], None] | None = None
) -> Tally:
    """After majors are published, changed or closed: their proposals, against every live posting.

    Only these majors' columns are ranked, with the kept text model (`text_model`: fitted on
    every live major, so each pair scores as in a full ranking; the other majors are not read),
    then merged into each posting's stored top `TOP_K`: a
    pair enters when it beats the posting's weakest matcher proposal, which then leaves unless
    someone has acted on it. The other majors' stored scores are those of their last ranking;
    a full re-rank (`recompute_all`, the administrators' job) makes every score current again.
    Runs as a job (portal.platform.jobs), never in a request.
    """
    db.session.flush()
    wanted = set(program_ids)
    programs = _programs(wanted)  # closed or unverified majors: no column, their pairs go
    stamps = _candidates(programs)
    found = list(stamps)
    tally = Tally(postings=int(db.session.scalar(_live(func.count(Posting.id))) or 0))
    if progress is not None:
        progress(0, 2)
    kept = text_model() if programs and found else None
    # The postings as kept with the model (issue 31): none of their texts is read again.
    features, digest_of = _features(found, kept, stamps) if kept else ([], {})
    candidates = _rank_kept(features, digest_of, programs, kept) if kept else {}
    if progress is not None:
        progress(1, 2)
    own = _existing(Proposal.program_id.in_(list(wanted)))
    candidates, others = _competing(candidates, wanted)
    pairs, pushed_out = _merge_top(candidates, others)
    enterprise_of: dict[int, int] = {}
    for ids in _chunks(sorted({posting_id for posting_id, _ in pairs})):
        query = select(Posting.id, Posting.enterprise_id).where(Posting.id.in_(ids))
        enterprise_of.update(db.session.execute(query).tuples().all())
    _store(pairs, own + pushed_out, enterprise_of, {p.id: p.school_id for p in programs}, tally)
    return tally


def _candidates(programs: Sequence[Program]) -> dict[int, Stamp]:
    """The live postings that can be proposed to these majors, with their stamps, in the order of
    their ids (issue 31: a major's ranking touches one column). On PostgreSQL the postings'
    GIN-indexed search terms (portal.postings.services.search_terms) find those whose text holds a
    term that would be evidence for them (`matching.ranking.evidence_terms`: a role, a skill, a
    thesaurus term), and the postings asking for one of them by name or code are added; the others
    could get no proposal from them, so only these are loaded and ranked. The terms are looked up in
    the town's and industry's names too (`postings_holding_any`): the few postings found there
    alone are ranked for nothing, which costs less than leaving the names out. SQLite: every live
    posting."""
    if not programs:
        return {}
    if not posting_search.uses_index():
        return _live_stamps()
    terms, names = matching.ranking.evidence_terms([program_for(p) for p in programs])
    found = posting_search.postings_holding_any(sorted(terms))
    if found is None:  # a term without letters cannot be looked up: rank them all
        return _live_stamps()
    # The major HR asked for, as the matcher reads it (demand_for): resolved through the catalogue.
    asked = Posting.details["major"].as_string()
    raw = db.session.scalars(_live(asked).distinct().where(asked != "")).all()
    named = [value for value in raw if _asks_for(value, names)]
    if named:
        found.update(db.session.scalars(_live(Posting.id).where(asked.in_(named))))
    return _live_stamps(found)


def _asks_for(value: str, names: set[str]) -> bool:
    major = value.strip()
    major = catalogue.resolve(major).name or major
    return matching.knowledge.major_key(major) in names or major.strip() in names


def _competing(candidates: Pairs, wanted: set[int]) -> tuple[Pairs, list]:
    """The new pairs that may enter their posting's top `TOP_K`, and the stored proposals they
    compete with (`_merge_top`): the matcher's own proposals of other majors (those asked for by
    hand do not compete).

    A major touches thousands of postings, most of them already holding `TOP_K` stored
    proposals that all beat it (issue 31: reading their 90,000 rows at 5x took a third of the
    job). So each touched posting's stored count and weakest score are read first: where the new
    pairs and the stored fit in `TOP_K` together, the new pairs enter and nothing is read; where
    exactly `TOP_K` are stored and no new pair beats the weakest, nothing changes (the new pairs
    are left out; on equal scores the stored proposal stays); the rows are read for the others."""
    if not candidates:
        return candidates, []
    competing = (Proposal.origin == Origin.MATCHER.value, Proposal.program_id.not_in(list(wanted)))
    new: dict[int, list[float]] = {}
    for (posting_id, _program_id), value in candidates.items():
        new.setdefault(posting_id, []).append(value[0])
    room = {posting_id: TOP_K - len(scores) for posting_id, scores in new.items()}
    read, unbeaten = [], set()
    for ids in _batches(sorted(new)):
        query = (
            select(Proposal.posting_id, func.count(), func.min(Proposal.score))
            .where(_among(Proposal.posting_id, ids), *competing)
            .group_by(Proposal.posting_id)
        )
        for posting_id, stored, weakest in db.session.execute(query):
            if stored <= room[posting_id]:
                continue  # all fit
            if stored == TOP_K and max(new[posting_id]) <= weakest:
                unbeaten.add(posting_id)
            else:
                read.append(posting_id)
    others = [
        row for batch in _batches(read) for row in _existing(_among(Proposal.posting_id, batch), *competing)
    ]
    return {key: value for key, value in candidates.items() if key[0] not in unbeaten}, others


def _merge_top(candidates: Pairs, others: list) -> tuple[Pairs, list]:
    """Per posting, the `TOP_K` best of the new pairs and the stored proposals of other majors:
    the new pairs that made it, and the stored rows they pushed out (`_store` drops those that
    nobody acted on)."""
    stored: dict[int, list] = {}
    for row in others:
        stored.setdefault(row.posting_id, []).append(row)
    by_posting: dict[int, list] = {}
    for key, value in candidates.items():
        by_posting.setdefault(key[0], []).append((value[0], 0, key))
    kept: Pairs = {}
    pushed_out: list = []
    for posting_id, new in by_posting.items():
        rows = stored.get(posting_id, [])
        # On equal scores the stored proposal stays (1 sorts before 0 in reverse).
        ranked = sorted(new + [(row.score, 1, row) for row in rows], key=lambda t: (t[0], t[1]), reverse=True)
        for position, (_score, is_stored, item) in enumerate(ranked):
            if position < TOP_K:
                if not is_stored:
                    kept[item] = candidates[item]
            elif is_stored:
                pushed_out.append(item)
    return kept, pushed_out


def recompute_for_program(program: Program) -> Tally:
    return recompute_for_programs([program.id])


def recompute_for_school(school_id: int, *, progress: Callable[[int, int], None] | None = None) -> Tally:
    ids = list(db.session.scalars(select(Program.id).where(Program.school_id == school_id)))
    return recompute_for_programs(ids, progress=progress) if ids else Tally()


def posting_count() -> int:
    return int(db.session.scalar(select(func.count()).select_from(Posting)) or 0)


def recompute_all(*, chunk: int | None = None, progress=None) -> Tally:
    """Every posting against every live major: one ranking (the model fitted once), then the
    proposals stored chunk by chunk of postings; `progress(done, total, tally)` after each chunk.

    Every posting is visited, closed ones too, whose untouched proposals are dropped.
    """
    chunk = chunk or CHUNK
    programs = _programs()
    school_of = {p.id: p.school_id for p in programs}
    majors = len(programs)
    ids = list(db.session.scalars(select(Posting.id).order_by(Posting.id)))
    live = _load_postings(live_posting_ids())
    # The model fitted for this ranking is kept, with every live posting's features in it, for the
    # majors published or edited until the next one (`recompute_for_programs`).
    kept: list[Kept] = []
    features: list = []
    digests: dict = {}
    pairs = _rank_pairs(
        live,
        programs,
        on_model=lambda model: kept.append(_keep_model(model, majors)),
        on_features=features.extend,
        digests=digests,
    )
    if kept and features:
        _keep_features(kept[0], features, {p.id: p for p in live}, digests)
    del features, digests
    by_posting: dict[int, Pairs] = {}
    for key, value in pairs.items():
        by_posting.setdefault(key[0], {})[key] = value
    enterprise_of = dict(db.session.execute(select(Posting.id, Posting.enterprise_id)).tuples().all())
    live_ids = {p.id for p in live}
    # Nothing below reads the postings or majors as objects: let them go, or every chunk's commit
    # expires each of them again (10,000 majors x 250 commits took an eighth of the job at 5x).
    del live, programs, pairs
    tally = Tally()
    for start in range(0, len(ids), chunk):
        step_ids = ids[start : start + chunk]
        step = Tally(postings=sum(1 for i in step_ids if i in live_ids))
        step_pairs = {key: value for i in step_ids for key, value in by_posting.pop(i, {}).items()}
        _store(step_pairs, _existing(Proposal.posting_id.in_(step_ids)), enterprise_of, school_of, step)
        tally.add(step)
        if progress is not None:
            progress(start + len(step_ids), len(ids), tally)
    if db.session.get_bind().dialect.name == "postgresql":
        # Tens of thousands of rows changed at once: without fresh statistics the planner
        # took a school's 780 proposals for 120,000 and scanned the whole table (130 ms a page).
        db.session.execute(text("ANALYZE proposal"))
    return tally


def score_pair(posting: Posting, program: Program) -> tuple[float, list[dict], str]:
    """The matcher's score of one pair, even below its threshold (a proposal asked for by hand)."""
    programs = _programs()
    if program not in programs:
        programs.append(program)
    pairs = _rank_pairs([posting], programs, top_k=len(programs), threshold=0.0)
    found = pairs.get((posting.id, program.id))
    if found is None:  # the posting is not live: nothing to compare
        certified = certified_by_program().get(program.id, ())
        return 0.0, [], fingerprint(demand_for(posting), program_for(program, certified))
    score, match, print_ = found
    return score, reasons_of(match), print_


# --- teacher exchange ---
# Owned by the two-way exchange workflow (portal.exchanges.services), which gathers who offers hours
# (enterprise experts, or teachers seeking enterprise practice) and who needs them (teaching needs, or
# practice posts) as plain `ExchangeSide`s; this section runs `matching.exchange` over them.

EXCHANGE_MAX_SLOTS = 2000  # the library assigns hour by hour; beyond this many, hours go in blocks


@dataclass(frozen=True)
class ExchangeSide:
    key: str
    description: str
    skills: tuple[str, ...]
    hours: int


@dataclass(frozen=True)
class ExchangeSuggestion:
    offer_key: str
    need_key: str
    score: float  # in [0, 1]
    hours: int
    reasons: list[dict]


def exchange_suggestions(
    offers: Sequence[ExchangeSide], needs: Sequence[ExchangeSide], *, threshold: float | None = None
) -> list[ExchangeSuggestion]:
    """The pairs `matching.exchange` proposes (never one under its threshold), highest score first.

    Hours are whole slots in the library (one assignment row per hour); when the sides offer more
    than EXCHANGE_MAX_SLOTS hours, hours are grouped into equal blocks so the assignment stays
    small, and each pair's hours are capped by what both sides actually have.
    """
    offers = [o for o in offers if o.hours > 0]
    needs = [n for n in needs if n.hours > 0]
    if not offers or not needs:
        return []
    largest = max(sum(o.hours for o in offers), sum(n.hours for n in needs))
    block = max(1, -(-largest // EXCHANGE_MAX_SLOTS))

    def slots(hours: int) -> int:
        return max(1, hours // block)

    experts = [
        matching.Expert(id=str(i), description=o.description, skills=tuple(o.skills), hours=slots(o.hours))
        for i, o in enumerate(offers)
    ]
    wanted = [
        matching.Need(id=str(i), description=n.description, skills=tuple(n.skills), hours=slots(n.hours))
        for i, n in enumerate(needs)
    ]
    options = {} if threshold is None else {"threshold": threshold}
    found = []
    for pair in matching.exchange(experts, wanted, **options):
        offer, need = offers[int(pair.expert_id)], needs[int(pair.need_id)]
        found.append(
            ExchangeSuggestion(
                offer_key=offer.key,
                need_key=need.key,
                score=min(1.0, max(0.0, float(pair.score))),
                hours=min(pair.hours * block, offer.hours, need.hours),
                reasons=[reason.to_dict() for reason in pair.reasons],
            )
        )
    found.sort(key=lambda s: -s.score)
    return found


# --- apprenticeship allocation ---
# Owned by the apprenticeship workflow (portal.apprenticeships.services). The inputs are the
# plain JSON an AllocationRun stores, so a stored run can be repeated exactly.


def allocate_apprentices(inputs: dict, seed: int) -> dict:
    """Run `matching.allocate` on stored allocation inputs; the result as JSON.

    `inputs`: {"students": [{"id", "preferences", "profile"}],
    "places": [{"id", "capacity", "preferences" (None: ranked by similarity), "description"}]}.
    """
    students = [
        matching.Student(
            id=str(s["id"]),
            preferences=tuple(str(p) for p in s["preferences"]),
            profile=s.get("profile") or "",
        )
        for s in inputs["students"]
    ]
    places = [
        matching.Place(
            id=str(p["id"]),
            capacity=int(p["capacity"]),
            preferences=None if p.get("preferences") is None else tuple(str(s) for s in p["preferences"]),
            description=p.get("description") or "",
        )
        for p in inputs["places"]
    ]
    return matching.allocate(students, places, seed=seed).to_dict()


# --- supply against demand by major (portal.planning.alignment) ---
# A posting's catalogue majors, from its title, description, kind-specific texts, skills and the
# major HR named; the library reads only its knowledge base, so one posting is a few text scans.


def classify_posting(posting: Posting) -> tuple[matching.alignment.MajorFit, ...]:
    demand = demand_for(posting)
    return matching.alignment.classify(demand.title, demand.description, demand.skills, demand.major)


def trains_for(industry: str, major_group: str) -> bool:
    """Whether the major group trains for the industry's core jobs (affinity 1 in the knowledge
    base's industry table): its planned intake is that industry's supply."""
    name = INDUSTRY_NAMES.get(industry, "")
    return bool(name and major_group) and matching.knowledge.industry_affinity(name, major_group) >= 1.0


def thesaurus() -> matching.knowledge.Thesaurus:
    """The matcher's thesaurus (colloquial term → catalogue terms): the public search uses it too,
    so that 焊工 finds 焊接 (portal.postings.services.search_query)."""
    return matching.knowledge.thesaurus()


def normalise(text: str) -> str:
    """Text as the matcher reads it (NFKC, case-folded, one space)."""
    return matching.text.normalise(text)


def has_knowledge(name: str, code: str = "") -> bool:
    """Whether the knowledge base has a line for this major (by code, else by name); without one
    the matcher reads the major's name and the school's own texts only ("matched on the name only")."""
    return matching.knowledge.majors().find(name, code or "") is not None
