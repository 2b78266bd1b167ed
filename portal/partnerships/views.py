"""Match review, proposals and cooperations: one blueprint nested in the school and enterprise areas.

The area's role guard runs first and the URLs stay the area's (`/school/proposals`,
`/enterprise/proposals`); which side the user is on follows from the area. Each view
reads the request, calls one service, commits once (through `attempt`) and redirects
or renders.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.partnerships import cooperations
from portal.partnerships import services as proposals
from portal.partnerships.cooperation_models import CooperationKind
from portal.partnerships.forms import ADMISSIONS_LABELS, DECLINE_REASONS, AskForm, DeclineForm, TermsForm
from portal.partnerships.matching import INDUSTRY_NAMES
from portal.partnerships.models import Side
from portal.platform import checks, vocab
from portal.platform.confirm import needs_confirmation
from portal.platform.forms import ActionForm
from portal.platform.web import REFUSED, area, attempt, one_pass
from portal.postings.models import PostingKind

bp = Blueprint("partnerships", __name__)
_INDUSTRY_CODES = {name: code for code, name in INDUSTRY_NAMES.items()}


def industry_name(name: str | None) -> str:
    """The matcher's industry name (高端装备制造) in the reader's language."""
    code = _INDUSTRY_CODES.get(name or "")
    return str(vocab.INDUSTRIES[code]) if code else (name or "")


def labels() -> dict:
    return {
        "cooperation_kinds": CooperationKind.labels(),
        "posting_kinds": PostingKind.labels(),
        "admissions_labels": ADMISSIONS_LABELS,
        "industry_name": industry_name,
    }


def side() -> Side:
    return Side(area())


def detail_url(proposal_id: int) -> str:
    return url_for(".proposal_detail", proposal_id=proposal_id)


@bp.get("/proposals")
def proposal_list():
    """Every major (posting) with its first proposals; `?of=<id>` all of one, a page at a time;
    `?ask=<id>&q=…` finds what to ask about directly for one of them."""
    args = request.args
    page = checks.page_number(args.get("page"))
    owner_id = checks.whole_number(args.get("of"))
    if owner_id:
        owner, results = proposals.proposals_of(current_user, owner_id, page)
        return render_template(
            "partnerships/proposals_of.html",
            owner=owner,
            results=results,
            area=area(),
            side=side().value,
            **labels(),
        )
    ask_id, text = checks.whole_number(args.get("ask")), (args.get("q") or "").strip()
    if side() is Side.SCHOOL:
        groups, results = proposals.for_school(current_user), None
        found = proposals.askable_postings(current_user, text) if ask_id else []
    else:
        groups, results = proposals.for_enterprise(current_user, page)
        found = proposals.askable_programs(current_user, text) if ask_id else []
    return render_template(
        f"partnerships/{area()}/proposals.html",
        groups=groups,
        results=results,
        ask_id=ask_id,
        ask_text=text,
        found=found,
        action_form=ActionForm(),
        **labels(),
    )


def render_detail(
    proposal_id: int,
    *,
    terms_form: TermsForm | None = None,
    decline_form: DeclineForm | None = None,
    status: int = 200,
):
    proposal = proposals.get_for(current_user, proposal_id)
    if terms_form is None:
        terms_form = TermsForm(formdata=None)
        terms_form.fill(proposals.suggested_terms(proposal))
    return render_template(
        "partnerships/proposal.html",
        proposal=proposal,
        side=side().value,
        area=area(),
        steps=proposals.steps(proposal, side(), current_user.organisation.is_verified),
        terms=proposals.Terms.from_json(proposal.terms) if proposal.terms else None,
        terms_form=terms_form,
        decline_form=decline_form or DeclineForm(formdata=None),
        decline_reasons=DECLINE_REASONS,
        action_form=ActionForm(),
        **labels(),
    ), status


@bp.get("/proposals/<int:proposal_id>")
def proposal_detail(proposal_id: int):
    return render_detail(proposal_id)


@bp.post("/proposals/<int:proposal_id>/interest")
def proposal_interest(proposal_id: int):
    if ActionForm().validate_on_submit():
        if attempt(lambda: proposals.express_interest(current_user, proposal_id)) is not REFUSED:
            flash(_("The other side has been told that you are interested."), "success")
            return redirect(detail_url(proposal_id))
    return render_detail(proposal_id, status=400)


@bp.post("/proposals/<int:proposal_id>/decline")
def proposal_decline(proposal_id: int):
    form = DeclineForm()
    if form.validate_on_submit():
        if (
            attempt(lambda: proposals.decline(current_user, proposal_id, form.reason.data or ""), form)
            is not REFUSED
        ):
            flash(_("The proposal has been declined."), "success")
            return redirect(detail_url(proposal_id))
    return render_detail(proposal_id, decline_form=form, status=400)


@bp.post("/proposals/<int:proposal_id>/terms")
def proposal_terms(proposal_id: int):
    form = TermsForm()
    if (
        one_pass(form, lambda: proposals.propose_terms(current_user, proposal_id, form.to_terms()))
        is not REFUSED
    ):
        flash(_("Your terms have been sent to the other side."), "success")
        return redirect(detail_url(proposal_id))
    return render_detail(proposal_id, terms_form=form, status=400)


@bp.post("/proposals/<int:proposal_id>/accept")
@needs_confirmation("accept_terms")
def proposal_accept(proposal_id: int):
    if ActionForm().validate_on_submit():
        cooperation = attempt(lambda: proposals.accept_terms(current_user, proposal_id))
        if cooperation is not REFUSED:
            flash(_("The terms are agreed: the cooperation has been created."), "success")
            return redirect(url_for(".cooperation_detail", cooperation_id=cooperation.id))
    return render_detail(proposal_id, status=400)


@bp.post("/proposals/ask")
def proposal_ask():
    form = AskForm()
    if form.validate_on_submit():
        proposal = attempt(
            lambda: proposals.ask_directly(current_user, form.posting_id.data, form.program_id.data)
        )
        if proposal is not REFUSED:
            flash(_("Your request has been sent to the other side."), "success")
            return redirect(detail_url(proposal.id))
    else:
        flash(_("Please choose what to ask about."), "error")
    return redirect(url_for(".proposal_list"))


@bp.get("/cooperations")
def cooperation_list():
    return render_template(
        f"partnerships/{area()}/cooperations.html",
        cooperations=cooperations.list_for(current_user),
        side=side().value,
        area=area(),
        **labels(),
    )


@bp.get("/cooperations/<int:cooperation_id>")
def cooperation_detail(cooperation_id: int):
    return render_template(
        f"partnerships/{area()}/cooperation.html",
        cooperation=cooperations.get_for(current_user, cooperation_id),
        side=side().value,
        area=area(),
        **labels(),
    )
