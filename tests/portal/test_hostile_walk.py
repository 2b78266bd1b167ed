"""Every route, every role, hostile values: no response is a 500 (issue 9).

Hypothesis picks a route, fills its path with ids that exist, ids beyond what a column holds
and odd strings, adds hostile query parameters and, for POST, hostile values for the field
names the site's forms use, and sends it as each role. Deterministic (derandomize) so CI
replays the same walk; a failure prints the request that broke.
"""

from __future__ import annotations

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import AnyConverter, IntegerConverter

from portal.extensions import db
from portal.named_classes import services as nc
from tests.conftest import login
from tests.named_classes.test_named_classes import class_input, make_cooperation

HOSTILE_TEXT = [
    "",
    " ",
    "0",
    "-1",
    "1",
    "²",
    "①",
    "٣",
    "１",
    "1.5",
    "1e9",
    "NaN",
    "2147483648",
    "9" * 40,
    "0x10",
    "\x00",
    "a\x00b",
    "\u202e",
    "𝕏𝕏𝕏",
    "%",
    "_",
    "\\",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    '<meta http-equiv=refresh content="0;url=//e.cn">',
    "../../etc/passwd",
    "2026-02-30",
    "9999-12-31",
    "0001-01-01",
    "true",
    "on",
    "zh",
    "en",
    "x" * 5000,
]
hostile = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=40))
ids = st.one_of(st.integers(1, 6), st.sampled_from([2**31 - 1, 2**31, 2**63, 10**30]))
SKIP = {"auth.logout", "static"}


def _form_fields() -> list[str]:
    """Field names of every WTForms form the site defines, and those views read by hand."""
    import portal  # noqa: F401  (forms are defined on import of the blueprints)

    names = {
        "answer",
        "certificate",
        "class_id",
        "close_early",
        "email",
        "figure",
        "from",
        "kind",
        "lang",
        "next",
        "offset",
        "open",
        "page",
        "q",
        "reason",
        "role",
        "scored",
        "sort",
        "status",
        "to",
        "town",
        "rank-1",
        "rank-2",
        "rank-999999999999",
        "benefit",
    }
    pending = list(FlaskForm.__subclasses__())
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        names.update(name for name in dir(form) if hasattr(getattr(form, name, None), "field_class"))
    return sorted(names)


FIELDS = _form_fields()


def _path_value(converter):
    if isinstance(converter, IntegerConverter):
        return ids
    if isinstance(converter, AnyConverter):
        return st.one_of(
            st.sampled_from(sorted(converter.items)), hostile.filter(lambda s: s and "/" not in s)
        )
    return hostile.filter(lambda s: s.strip() and "/" not in s and "\x00" not in s)


@st.composite
def requests(draw, rules):
    rule = draw(st.sampled_from(rules))
    values = {arg: draw(_path_value(rule._converters[arg])) for arg in rule.arguments}
    try:
        path = rule.build(values)[1]
    except Exception:  # a value the rule cannot carry (e.g. a converter refusing it): its example instead
        path = rule.build(
            {
                a: 1
                if isinstance(rule._converters[a], IntegerConverter)
                else sorted(getattr(rule._converters[a], "items", ["x"]))[0]
                for a in rule.arguments
            }
        )[1]
    method = draw(st.sampled_from(sorted(rule.methods & {"GET", "POST"})))
    query = draw(st.dictionaries(st.sampled_from(FIELDS), hostile, max_size=4))
    form = (
        draw(st.dictionaries(st.sampled_from(FIELDS), st.lists(hostile, min_size=1, max_size=2), max_size=8))
        if method == "POST"
        else {}
    )
    return method, path, query, form


@pytest.fixture
def world(app, build):
    staff, hr = build.school(), build.enterprise()
    student = build.student(staff)
    admin_email = "admin@example.com"
    cooperation = make_cooperation(staff, hr)
    named = nc.create_named_class(staff, cooperation.id, class_input(), publish=True)
    nc.apply(student, named.id, "申请")
    db.session.commit()
    return {
        "anonymous": None,
        "admin": admin_email,
        "school": staff.email,
        "enterprise": hr.email,
        "student": student.email,
    }


@pytest.mark.parametrize("role", ["anonymous", "admin", "school", "enterprise", "student"])
def test_no_hostile_request_gets_a_500(app, world, role):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint not in SKIP and r.methods & {"GET", "POST"}]
    client = app.test_client()
    if world[role]:
        assert login(client, world[role]).status_code == 302

    @settings(
        max_examples=300,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(requests(rules))
    def walk(request):
        method, path, query, form = request
        response = client.open(path, method=method, query_string=query, data=form)
        assert response.status_code < 500, (role, method, path, query, form)

    walk()
