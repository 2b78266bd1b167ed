"""Fixtures of the open API's tests: a token of any member, and headers that carry it."""

from __future__ import annotations

import pytest


@pytest.fixture
def token_for(app):
    """token_for(user, scope="write", days=30) -> the raw token, made through the service."""

    def make(user, scope: str = "write", days: int = 30, name: str = "test") -> str:
        from portal.api import tokens
        from portal.extensions import db

        _token, raw = tokens.create(user, name=name, scope=scope, days=days)
        db.session.commit()
        return raw

    return make


def bearer(raw: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}", **extra}


@pytest.fixture
def client(app):
    """The API's client: JSON bodies as sent (the site's test client adds a form confirmation)."""
    client = app.test_client()
    client.confirms = False
    return client
