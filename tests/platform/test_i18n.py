"""Chinese first, English on a remembered switch; every page renders in both."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from portal.extensions import db
from tests.conftest import login

ROOT = Path(__file__).resolve().parents[2]


def test_every_message_has_a_chinese_translation(tmp_path):
    """The catalog covers every string the code and templates use (run `flask translate update`)."""
    import subprocess
    import sys

    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "--no-location",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    with pot.open("rb") as fh:
        wanted = {m.id for m in read_po(fh) if m.id}
    with (ROOT / "translations/zh/LC_MESSAGES/messages.po").open("rb") as fh:
        catalog = read_po(fh)

    def done(m) -> bool:  # plural entries carry a tuple of forms, all of which must be filled
        forms = m.string if isinstance(m.string, tuple) else (m.string,)
        return all(forms) and "fuzzy" not in m.flags

    translated = {m.id for m in catalog if m.id and done(m)}
    missing = sorted(str(x) for x in wanted - translated)
    assert not missing, f"untranslated: {missing[:20]}"


def _pages(app):
    for rule in app.url_map.iter_rules():
        if (
            "GET" in rule.methods
            and not rule.arguments
            and not rule.redirect_to
            and rule.endpoint not in ("static", "public.healthz")
            # The open API answers JSON with a token (tests/api); its docs page is a page.
            and not rule.endpoint.startswith("api.")
        ):
            # A domain's blueprint for a role is named after it ("school_pathways", issue 29).
            yield rule.endpoint.split(".")[0].split("_")[0], rule.rule


@pytest.mark.parametrize("lang,html_lang,marker", [("zh", "zh-CN", "校企通"), ("en", "en", "Xiaoqi Bridge")])
def test_each_page_renders_in_both_languages(app, build, lang, html_lang, marker):
    users = build.one_of_each()
    clients = {}
    for area, user in users.items():
        clients[area] = app.test_client()
        clients[area].set_cookie("lang", lang)
        login(clients[area], user.email)
    anonymous = app.test_client()
    anonymous.set_cookie("lang", lang)
    seen = 0
    for area, path in _pages(app):
        # Account pages (password change, notifications) need someone logged in; the public ones anyone.
        logged_in = path in ("/auth/password", "/auth/notifications") or path.startswith("/account/")
        if path in (
            "/auth/phone/code",
            "/account/phone/verify",
            "/auth/phone/reset/code",
        ):  # second steps (tests/messaging)
            continue
        client = clients.get(area, clients["enterprise"] if logged_in else anonymous)
        response = client.get(path)
        assert response.status_code == 200, (lang, path, response.status_code)
        if response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        assert f'<html lang="{html_lang}">' in html, path
        assert marker in html, path
        if lang == "en":
            # Chinese in an English page may only come from the data, never from the interface.
            assert "登录" not in html and "注册" not in html and "首页" not in html, path
        seen += 1
    assert seen >= 15


def test_language_choice_is_remembered(client, build):
    client.post("/lang", data={"lang": "en", "next": "/auth/login"})
    assert "Log in" in client.get("/auth/login").get_data(as_text=True)
    hr = build.enterprise()
    login(client, hr.email)
    client.post("/lang", data={"lang": "en"})
    db.session.refresh(hr)
    assert hr.locale == "en"
    # A new browser of the same user gets English too.
    fresh = client.application.test_client()
    login(fresh, hr.email)
    assert "My enterprise" in fresh.get("/enterprise/").get_data(as_text=True)


def test_default_is_chinese(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="zh-CN">' in html and "登录" in html
