"""The navigation: a few task menus per role, each link once, every link a real page."""

from __future__ import annotations

import re

from flask_babel import force_locale

from portal.navigation import all_menus
from tests.conftest import client_for


def test_each_role_has_few_menus_and_no_label_twice(app):
    with app.test_request_context("/"):
        for role, menus in all_menus().items():
            assert len(menus) <= 4, role
            for locale in ("zh", "en"):
                with force_locale(locale):
                    labels = [str(item.label) for menu in menus for item in menu.items]
                    labels += [str(menu.label) for menu in menus]
                    assert len(labels) == len(set(labels)), (role, locale, labels)


def test_every_menu_link_is_a_page_of_that_role(app, build):
    for role, user in build.one_of_each().items():
        client = client_for(app, user)
        html = client.get("/auth/notifications").get_data(as_text=True)
        nav = html[html.index('<nav class="nav"') : html.index("</nav>")]
        links = re.findall(r'<a href="(/[^"]*)"', nav)
        assert len(links) >= 8, (role, links)
        for href in links:
            assert client.get(href).status_code == 200, (role, href)
        # One menu per task, each a <details> that works without script.
        assert nav.count("<details data-nav-menu>") <= 5, role


def test_current_page_is_marked(app, build):
    user = build.enterprise()
    client = client_for(app, user)
    html = client.get("/enterprise/postings").get_data(as_text=True)
    assert re.search(
        r'<li class="nav-menu nav-current">\s*<details data-nav-menu>\s*<summary data-testid="menu-demand">',
        html,
    )
    assert 'href="/enterprise/postings" aria-current="page"' in html
