"""/postings is kept rendered (portal/cache.py) and never shows what the records no longer say."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from portal.extensions import db
from portal.models import Organisation, OrgStatus, Posting, User
from portal.postings import services as postings
from tests.conftest import Builders, unavailable
from tests.platform.test_bounded_pages import counted

REDIS = "redis://127.0.0.1:6379/0"


def _page(client, url: str = "/postings") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _queries(client, url: str = "/postings") -> int:
    with counted() as count:
        _page(client, url)
    return count[0]


def test_a_second_visit_reads_nothing_and_each_language_has_its_own_page(app, build, client):
    Builders.posting(build.enterprise(), title="焊接学徒岗位")
    assert "焊接学徒岗位" in _page(client) and _queries(client) == 0
    english = app.test_client()
    english.post("/lang", data={"lang": "en"})
    assert "Enterprise postings" in _page(english)
    assert "企业需求" in _page(client)


def test_what_is_written_shows_at_once(app, build, client):
    hr = build.enterprise(name="莱芜甲企业")
    posting = Builders.posting(hr, title="焊接学徒岗位")
    assert "焊接学徒岗位" in _page(client)

    Builders.posting(hr, title="数控车工岗位")  # the unit of work
    assert "数控车工岗位" in _page(client)

    postings.close_posting(hr, posting.id)  # a conditional UPDATE (locking.transition)
    db.session.commit()
    assert "焊接学徒岗位" not in _page(client)

    db.session.execute(
        update(Organisation).where(Organisation.id == hr.organisation_id).values(name="莱芜乙企业")
    )
    db.session.commit()
    assert "莱芜乙企业" in _page(client) and "莱芜甲企业" not in _page(client)

    db.session.get(Organisation, hr.organisation_id).status = OrgStatus.REJECTED.value  # the unit of work
    db.session.commit()
    assert "数控车工岗位" not in _page(client)


def test_a_write_rolled_back_keeps_the_page(app, build, client):
    Builders.posting(build.enterprise(), title="焊接学徒岗位")
    _page(client)
    db.session.execute(update(Posting).values(title="从未保存的标题"))
    db.session.rollback()
    assert _queries(client) == 0 and "从未保存的标题" not in _page(client)


def test_the_generation_moves_on_once_the_database_has_committed(app, build):
    """Moved on before, another process could read the new generation and fill it from the
    records as they were before the commit, keeping stale figures until they expire."""
    from sqlalchemy import event

    hr = build.enterprise()
    store = app.extensions["page_cache"]
    start = store.current()
    at_commit = []

    def note(_conn):
        at_commit.append(store.current())

    event.listen(db.engine, "commit", note)
    try:
        db.session.execute(
            update(Organisation).where(Organisation.id == hr.organisation_id).values(name="改名")
        )
        db.session.commit()
    finally:
        event.remove(db.engine, "commit", note)
    assert at_commit == [start] and store.current() == start + 1


@pytest.fixture
def redis_apps(app_factory):
    """Two app servers on one database and one Redis."""
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_timeout=2).ping()
    except redis.RedisError as exc:
        unavailable(f"Redis unreachable: {exc}")
    first, second = app_factory(REDIS_URL=REDIS), app_factory(REDIS_URL=REDIS)
    # Pages cached by an earlier test on this database are of an older generation from here on.
    first.extensions["page_cache"].bump()
    return first, second


def test_servers_sharing_redis_see_each_others_writes(redis_apps, build):
    first, second = redis_apps
    with first.app_context():
        hr_id = build.enterprise().id
        Builders.posting(db.session.get(User, hr_id), title="焊接学徒岗位")
    with second.app_context():
        assert "焊接学徒岗位" in _page(second.test_client())
    with first.app_context():
        Builders.posting(db.session.get(User, hr_id), title="数控车工岗位")
    with second.app_context():
        client = second.test_client()
        assert "数控车工岗位" in _page(client) and _queries(client) == 0


def test_redis_down_still_serves_the_page(app_factory, build):
    app = app_factory(REDIS_URL="redis://127.0.0.1:1/0")
    with app.app_context():
        Builders.posting(build.enterprise(), title="焊接学徒岗位")
        assert "焊接学徒岗位" in _page(app.test_client())


def test_figures_kept_by_one_server_follow_a_write_on_another(redis_apps, build):
    from portal.models import Program
    from portal.planning import alignment

    first, second = redis_apps
    with first.app_context():
        staff = build.school(programs=("焊接技术应用",))
        program_id = db.session.scalar(select(Program.id).where(Program.school_id == staff.organisation_id))
        from portal.programs import services as programs

        programs.publish_program(db.session.get(Program, program_id))
        db.session.commit()
        before = next(g.intake for g in alignment.report().groups if g.key == "装备制造大类|中职")
        db.session.commit()
    with second.app_context():
        db.session.get(Program, program_id).intake_capacity += 25
        db.session.commit()
    with first.app_context():
        after = next(g.intake for g in alignment.report().groups if g.key == "装备制造大类|中职")
        assert after == before + 25
