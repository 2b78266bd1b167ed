"""Where a notification or a "waiting for you" line takes its reader: the tables from
(area, subject) to a page.

Services say what something is about (a proposal, a placement, applicants to decide) and in
which area its reader works; only these tables know the blueprints' endpoints and their URL
parameters, so moving a page changes one line here and no service.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for

PARTNERS = ("school", "enterprise")

# (area, subject) -> (endpoint, name of the URL parameter that takes the subject's id)
PAGES: dict[tuple[str, str], tuple[str, str | None]] = {
    **{(area, "home"): (f"{area}.home", None) for area in ("school", "enterprise", "student", "admin")},
    **{(area, "proposal"): (f"{area}.partnerships.proposal_detail", "proposal_id") for area in PARTNERS},
    **{(area, "named_class"): (f"{area}.named_classes.named_class_detail", "class_id") for area in PARTNERS},
    ("public", "named_class"): ("public.named_class_detail", "class_id"),
    ("student", "applications"): ("student.applications", None),
    **{(area, "exchanges"): (f"{area}.exchange_list", None) for area in PARTNERS},
    **{
        (area, "placement"): (f"{area}.internships.placement", "placement_id")
        for area in ("school", "enterprise", "student")
    },
    ("school", "pilot"): ("school.pilot_detail", "pilot_id"),
    ("public", "pilot"): ("public.pilot_detail", "pilot_id"),
    ("enterprise", "pilot_enterprise"): ("enterprise.pilot_status", None),
    **{
        (area, "apprenticeship"): (f"{area}.apprenticeships.apprenticeship_detail", "programme_id")
        for area in ("enterprise", "student")
    },
    ("enterprise", "postings"): ("enterprise.posting_list", None),
}


def path(area: str, subject: str, subject_id: int | None = None) -> str:
    """The relative URL of `subject`'s page in `area`, built without a request (services have none)."""
    endpoint, parameter = PAGES[(area, subject)]
    root = current_app.config.get("APPLICATION_ROOT") or "/"
    adapter = current_app.url_map.bind("localhost", script_name=root)
    return adapter.build(endpoint, {parameter: subject_id} if parameter else {})


# A home's "waiting for you" lines (`services.inbox.Waiting.key`) -> where they are acted on.
INBOX: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {
    **{
        (area, key): (f"{area}.partnerships.proposal_list", {})
        for area in PARTNERS
        for key in ("partners", "proposals")
    },
    **{(area, "applicants"): (f"{area}.named_classes.named_class_list", {}) for area in PARTNERS},
    **{(area, "exchanges"): (f"{area}.exchange_list", {}) for area in PARTNERS},
    ("enterprise", "expiring"): ("enterprise.posting_list", {}),
    ("enterprise", "internship_applicants"): ("enterprise.internships.index", {"status": "applied"}),
    ("school", "internship_approvals"): ("school.internships.index", {"status": "accepted"}),
    ("student", "internship_offers"): ("student.internships.index", {"status": "offered"}),
    ("student", "internship_logs"): ("student.internships.index", {"status": "in_progress"}),
    ("enterprise", "members"): ("enterprise.home", {"_anchor": "members"}),
    ("school", "students"): ("school.membership.members", {}),
    ("school", "staff"): ("school.membership.members", {}),
    ("admin", "organisations"): ("admin.organisation_list", {"status": "pending"}),
    ("admin", "pilots"): ("admin.pilot_list", {"status": "submitted"}),
    ("admin", "objections"): ("admin.pilot_list", {"status": "approved"}),
    ("admin", "pilot_enterprises"): ("admin.pilot_enterprise_list", {"status": "submitted"}),
    ("admin", "postings"): ("admin.posting_queue", {}),
}


def inbox_url(area: str, key: str) -> str:
    endpoint, args = INBOX[(area, key)]
    return url_for(endpoint, **args)
