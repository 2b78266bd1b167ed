"""GET /healthz: database (and Redis when configured) state as JSON, 200 or 503."""

from __future__ import annotations


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "redis": "not configured", "jobs_queued": None}
    assert "Set-Cookie" not in response.headers  # probes get no session


def test_database_down_is_503(tmp_path):
    from tests.conftest import make_app

    app = make_app(f"sqlite:///{tmp_path / 'missing-dir' / 'x.db'}")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "error" and response.json["database"].startswith("error")


def test_redis_checked_when_configured(app_factory):
    app = app_factory(REDIS_URL="redis://127.0.0.1:6379/0", JOBS_BACKEND="rq", JOBS_QUEUE="test-health-empty")
    with app.app_context():
        response = app.test_client().get("/healthz")
    assert response.status_code == 200 and response.json["redis"] == "ok"
    assert response.json["jobs_queued"] == 0  # the queue's depth, for the operator


def test_redis_down_is_503(app_factory):
    app = app_factory(REDIS_URL="redis://127.0.0.1:1/0")
    with app.app_context():
        response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.json["redis"].startswith("error")
