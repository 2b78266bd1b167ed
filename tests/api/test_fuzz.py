"""The API fuzzed against its own spec with schemathesis: every operation, positive and negative
data, as anonymous callers and with a token of the operation's organisation, on SQLite and (with
TEST_DATABASE_URL) PostgreSQL. Bounded: few examples an operation, derandomized, no shrinking.

Expected: 0 responses ≥ 500 and 0 responses that break the spec (status, content type, headers,
body schema). One check is configured: the schema says what is well formed; the services still
judge what the site's forms judge (a deadline in the past, a major name outside the national
catalogue, a date range backwards), answered 422 with the field, so 422 is an accepted answer to
well-formed data (`positive_data_acceptance`).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from datetime import timedelta

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from portal.extensions import db
from portal.platform.checks import district_today
from portal.programs import records as school_records

MAX_EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "3"))
CONFIG = {
    # The token is ours to send (fixed per operation below), not generated.
    "generation": {"with-security-parameters": False},
    "checks": {
        "positive_data_acceptance": {
            "expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]
        }
    },
}


def _world(build, token_for):
    hr, staff = build.enterprise(), build.school()
    admin = build.admin()
    posting = build.posting(hr, "internship", publish=False)
    public = build.posting(hr, "order_class", deadline=district_today() + timedelta(days=40))
    teacher = school_records.create_teacher(staff.organisation, name="教师甲")
    need = school_records.create_need(staff.organisation, course="焊接实训", hours=20)
    cooperation = build.cooperation(staff, hr)
    named_class = build.named_class(staff, cooperation.id)
    db.session.commit()
    tokens = {
        "enterprise": token_for(hr, name="fuzz"),
        "school": token_for(staff, name="fuzz"),
        "district": token_for(admin, name="fuzz"),
    }
    ids = {
        "posting_id": posting.id,
        "major_id": staff.organisation.programs[0].id,
        "teacher_id": teacher.id,
        "need_id": need.id,
        "class_id": named_class.id,
        "enterprise_id": hr.organisation_id,
        "school_id": staff.organisation_id,
    }
    return tokens, ids, public.id


def _token_for_path(path: str, tokens: dict[str, str]) -> str | None:
    area = path.split("/")[3] if path.count("/") >= 3 else ""
    if area in tokens:
        return tokens[area]
    return tokens["enterprise"] if path == "/api/v1/me" else None


def _run(strategy, mode: str, headers, label: str, cases: Counter, failures: list, server_errors: list):
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def fuzz(case):
        cases[mode] += 1
        response = case.call(headers=headers)
        if response.status_code >= 500:
            server_errors.append(f"{label} [{mode}] {response.status_code}: {case.as_curl_command()}")
        try:
            case.validate_response(response, headers=headers)
        except (Exception, BaseExceptionGroup) as exc:  # a check failed: keep it, go on with the rest
            failures.append(f"{label} [{mode}] {type(exc).__name__}: {str(exc)[:700]}")

    try:
        fuzz()
    except Unsatisfiable:
        pass  # nothing of this operation can be made invalid (no parameters, no body)


def test_every_operation_fuzzed_against_the_spec(app_factory, build, token_for, db_url):
    app = app_factory(API_RATE_LIMIT="100000 per minute")
    with app.app_context():
        tokens, ids, public_posting = _world(build, token_for)
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", app, config=schemathesis.Config.from_dict(CONFIG)
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    cases: Counter[str] = Counter()
    failures: list[str] = []
    server_errors: list[str] = []

    for operation in operations:
        raw = _token_for_path(operation.path, tokens)
        fixed = {k: v for k, v in ids.items() if "{" + k + "}" in operation.path}
        if operation.path == "/api/v1/postings/{posting_id}":
            fixed["posting_id"] = public_posting
        headers = {"Authorization": f"Bearer {raw}"} if raw else {}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            # Half the path parameters name the organisation's own records (so bodies reach the
            # services), the other half are generated (another organisation's, or none).
            for path_parameters in (fixed, None) if fixed else (None,):
                strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)

                _run(strategy, mode.value, headers, operation.label, cases, failures, server_errors)

    figures = {
        "backend": db_url.split(":")[0],
        "operations": len(operations),
        "cases": sum(cases.values()),
        "by_mode": dict(cases),
        "server_errors": len(server_errors),
        "failures": len(failures),
    }
    print("API fuzz:", json.dumps(figures))
    assert len(operations) >= 30
    assert not server_errors and not failures, "\n\n".join((server_errors + failures)[:15])


def test_stateful_links_from_created_records(app_factory, build, token_for):
    """Create → read, change, publish, close, list proposals, remove: schemathesis follows the
    spec's links from each created record, checking every answer as above."""
    from schemathesis.generation.stateful import run_state_machine_as_test

    app = app_factory(API_RATE_LIMIT="100000 per minute")
    with app.app_context():
        tokens, _ids, _public = _world(build, token_for)
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", app, config=schemathesis.Config.from_dict(CONFIG)
    ).include(path_regex="^/api/v1/(enterprise|school)/")
    steps: Counter[str] = Counter()

    class Scenario(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            steps[case.operation.label] += 1
            return {"headers": {"Authorization": f"Bearer {_token_for_path(case.operation.path, tokens)}"}}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, headers=kwargs.get("headers"), transport_kwargs=kwargs)

    run_state_machine_as_test(
        Scenario,
        settings=settings(
            max_examples=MAX_EXAMPLES * 3,
            stateful_step_count=6,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    print("API stateful:", json.dumps({"steps": sum(steps.values()), "operations": len(steps)}))
    linked = {label for label in steps if "{" in label}
    assert linked, "no link was followed"
