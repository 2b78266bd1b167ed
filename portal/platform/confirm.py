"""Actions that cannot be undone ask once, and say what will happen.

With JavaScript, app.js shows the form's `data-confirm` text and, when the user agrees, adds
`confirmed=1` to the form. Without JavaScript the POST arrives without it, and
`needs_confirmation` answers with a page that says the same and re-posts the same fields
with `confirmed=1` (progressive enhancement: one message, two ways to ask).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from flask import render_template, request, url_for

from portal.platform.i18n import lazy_gettext as _l
from portal.platform.security import is_safe_next

MESSAGES = {
    "accept_terms": _l(
        "Accept these terms? The cooperation is created at once with these seats and duties, "
        "and both sides are told."
    ),
    "admit": _l(
        "Admit this student? One seat of the class is taken and the student is told; "
        "the admission cannot be taken back here."
    ),
    "reject_application": _l(
        "Reject this application? The student is told, with your reason; the decision cannot be taken back."
    ),
    "verify": _l(
        "Verify this organisation? Its members can then publish and take part in cooperations, "
        "and they are told."
    ),
    "reject_organisation": _l("Reject this organisation? Its members are told, with your reason."),
    "take_down": _l(
        "Take this posting down? It leaves the public pages at once and its enterprise is told why."
    ),
    "approve_pilot": _l(
        "Approve this pilot? It is published at once for its notice period and becomes final "
        "unless an objection holds it."
    ),
    "publish_allocation": _l(
        "Publish this allocation? Students will see their results and nothing can change afterwards."
    ),
    "reject_placement": _l(
        "Turn this internship down? The student is told, with your reason; it cannot be taken back."
    ),
    "accept_offer": _l(
        "Accept this offer? You take the internship on these terms and your school is asked to approve it."
    ),
    "approve_placement": _l(
        "Approve this internship? The rules are checked once more; the student and the enterprise are told."
    ),
    "sign_agreement": _l(
        "Confirm the three-party agreement? You agree to its terms and clauses; the "
        "confirmation is recorded and cannot be taken back."
    ),
    "delete_profile": _l(
        "Delete your profile and CV? They are removed at once, also for your school and the "
        "enterprises you applied to."
    ),
    "hire": _l("Confirm that you hired this student? It counts in the district's figures."),
}


def needs_confirmation(action: str, *, complete: Callable[[], bool] | None = None) -> Callable:
    """`complete`: whether the submitted form has what the step needs; when it has not, the view
    runs at once and says what is missing (asking first, then refusing, made the person confirm twice)."""
    message = MESSAGES[action]

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if request.form.get("confirmed") == "1" or (complete is not None and not complete()):
                return view(*args, **kwargs)
            fields = [(k, v) for k, v in request.form.items(multi=True) if k != "confirmed"]
            return render_template(
                "confirm.html", message=message, action=request.path, fields=fields, back=_back()
            )

        wrapper.confirmation = action  # type: ignore[attr-defined]  (read by the tests)
        return wrapper

    return decorate


def _back() -> str:
    """Where "cancel" goes: the page the form was on, when it is ours."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and is_safe_next(referrer.path):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return url_for("public.index")


def confirm_message(action: str) -> str:
    return str(MESSAGES[action])
