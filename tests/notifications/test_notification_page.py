"""The notifications page (issue 13, item 9): grouped by district day, unread marked 未读/New,
mark all as read, each line opening its object; one labelled time zone (item 8)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from flask_babel import force_locale

from portal.extensions import db
from portal.notifications import services as notifications
from tests.conftest import client_for


def _note(user, when: datetime, link: str = "/enterprise/"):
    note = notifications.notify(user, "member_approved", link, organisation="测试企业")
    note.created_at = when
    return note


def test_grouped_by_beijing_day(app, build):
    hr = build.enterprise()
    late = _note(hr, datetime(2026, 12, 1, 17, 30, tzinfo=UTC))  # 01:30 on 2 Dec in Laiwu
    early = _note(hr, datetime(2026, 12, 1, 15, 0, tzinfo=UTC))  # 23:00 on 1 Dec in Laiwu
    old = _note(hr, datetime(2026, 11, 20, 2, 0, tzinfo=UTC))
    db.session.commit()
    days = notifications.by_day([late, early, old], today=date(2026, 12, 2))
    assert [(d.day, d.ago, [n.id for n in d.items]) for d in days] == [
        (date(2026, 12, 2), 0, [late.id]),
        (date(2026, 12, 1), 1, [early.id]),
        (date(2026, 11, 20), 12, [old.id]),
    ]


def test_page_marks_unread_and_reads_all(app, build):
    hr = build.enterprise()
    now = datetime.now(UTC)
    _note(hr, now)
    _note(hr, now)
    db.session.commit()
    client = client_for(app, hr)
    html = client.get("/auth/notifications").get_data(as_text=True)
    assert html.count('data-testid="unread-badge">未读<') == notifications.unread_count(hr) >= 2
    assert "新建" not in html
    assert "今天" in html and 'data-testid="open-notification"' in html
    assert "北京时间（UTC+8）" in html
    client.post("/auth/notifications/read-all")
    html = client.get("/auth/notifications").get_data(as_text=True)
    assert 'data-testid="unread-badge"' not in html and 'data-testid="read-all"' not in html
    with force_locale("en"):
        client.set_cookie("lang", "en")
        _note(hr, now)
        db.session.commit()
        html = client.get("/auth/notifications").get_data(as_text=True)
        assert 'data-testid="unread-badge">New<' in html and "Today" in html


def test_times_are_beijing_time(app, build):
    from portal.templating import local_time

    with app.test_request_context("/"):
        assert str(local_time(datetime(2026, 12, 1, 17, 30, tzinfo=UTC))) == (
            '<time datetime="2026-12-01T17:30:00+00:00">2026-12-02 01:30</time>'
        )
        assert str(local_time(datetime(2026, 12, 1, 17, 30))).endswith(">2026-12-02 01:30</time>")


def test_many_notices_of_two_kinds_show_as_groups_with_their_counts(app, build):
    """Issue 26: an HR inbox of dozens of unread notices reads as a few groups with their counts."""
    hr = build.enterprise()
    other = build.enterprise(name="别家企业")
    db.session.commit()
    notifications.mark_all_read(hr)  # told of its verification: not part of this inbox
    notifications.notify(hr, "internship_applied", "/enterprise/internships", student="某人", posting="钳工")
    for i in range(12):
        notifications.notify(
            hr, "internship_applied", "/enterprise/internships", student=f"学生{i}", posting="焊工"
        )
    for i in range(5):
        notifications.notify(hr, "member_approved", "/enterprise/", organisation=f"单位{i}")
    theirs = notifications.notify(other, "member_approved", "/enterprise/", organisation="别家")
    db.session.commit()
    client = client_for(app, hr)
    html = client.get("/auth/notifications").get_data(as_text=True)
    # 12 applications to one posting, 1 to another, 5 member notices (no subject: one group by kind)
    assert html.count('data-testid="notification-group"') == 3
    # newest group first: the member notices came last
    assert html.split('data-testid="group-count">')[1].startswith("5<")
    assert html.split('data-testid="group-count">')[2].startswith("12<")
    # the count says it counts notices, of which the one shown is the newest (not 学生11's twelve)
    assert re.search(r'group-count">12</span>\s*条未读，最新一条：\s*学生11', html)
    assert 'data-testid="digest-link"' in html and "/account/channels" in html

    client.post("/auth/notifications/read-group", data={"kind": "member_approved", "subject": ""})
    assert notifications.unread_count(hr) == 13  # only the group's notices
    db.session.refresh(theirs)
    assert theirs.read_at is None  # and only the reader's own
    html = client.get("/auth/notifications").get_data(as_text=True)
    assert html.count('data-testid="notification-group"') == 2
    assert 'data-testid="group-count">12<' in html
    client.post("/auth/notifications/read-group", data={"kind": "internship_applied", "subject": "钳工"})
    assert notifications.unread_count(hr) == 12


def test_another_reader_cannot_mark_a_group_read(app, build):
    hr = build.enterprise()
    other = build.enterprise(name="别家企业")
    db.session.commit()
    note = notifications.notify(hr, "member_approved", "/enterprise/", organisation="甲乙丙单位")
    db.session.commit()
    client = client_for(app, other)
    client.post("/auth/notifications/read-group", data={"kind": "member_approved", "subject": ""})
    db.session.refresh(note)
    assert note.read_at is None
    assert "甲乙丙单位" not in client.get("/auth/notifications").get_data(as_text=True)
