"""The enterprise's yearly report: `enterprise_bp` (its HR generate, edit, print and publish it)
and `admin_bp` (administrators see who published and read any report). Each checks its role once,
before every request."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.models import Role
from portal.enterprise_reports import services
from portal.enterprise_reports.forms import InvestmentForm, ReportTextsForm
from portal.planning import double_qualified
from portal.platform import uploads
from portal.platform.checks import district_today
from portal.platform.errors import NotFound
from portal.platform.forms import ActionForm
from portal.platform.security import guard_blueprint
from portal.platform.web import REFUSED, attempt, download

enterprise_bp = Blueprint("enterprise_reports", __name__, url_prefix="/enterprise/reports")
guard_blueprint(enterprise_bp, Role.ENTERPRISE_HR)
admin_bp = Blueprint("admin_reports", __name__, url_prefix="/admin/enterprise-reports")
guard_blueprint(admin_bp, Role.ADMIN)


def _year(year: int) -> int:
    try:
        return services.check_year(year)
    except NotFound:
        abort(404)


def _context(enterprise, year: int, report) -> dict:
    return {
        "enterprise": enterprise,
        "year": year,
        "report": report,
        "figures": services.figures(enterprise.id, year),
        "investments": report.investments if report else [],
    }


@enterprise_bp.get("/")
def index():
    year = request.args.get("year", type=int)
    if year is not None:
        return redirect(url_for(".report", year=_year(year)))
    years = range(district_today().year, services.FIRST_YEAR - 1, -1)
    return render_template("enterprise_reports/index.html", years=years)


@enterprise_bp.get("/<int:year>")
def report(year: int, texts_form=None, investment_form=None, status=200):
    year = _year(year)
    found = services.report_of(current_user.organisation_id, year)
    texts_form = texts_form or ReportTextsForm(formdata=None, obj=found)
    return render_template(
        "enterprise_reports/edit.html",
        texts_form=texts_form,
        investment_form=investment_form or InvestmentForm(formdata=None),
        action_form=ActionForm(),
        **_context(current_user.organisation, year, found),
    ), status


@enterprise_bp.post("/<int:year>/texts")
def save_texts(year: int):
    year = _year(year)
    form = ReportTextsForm()
    if form.validate_on_submit():
        if attempt(lambda: services.save_texts(current_user, year, form.data_input()), form) is not REFUSED:
            flash(_("The report is saved."), "success")
            return redirect(url_for(".report", year=year))
    return report(year, texts_form=form, status=400)


@enterprise_bp.post("/<int:year>/investments")
def add_investment(year: int):
    year = _year(year)
    form = InvestmentForm()
    if form.validate_on_submit():
        evidence = uploads.read(form.evidence.data, double_qualified.EVIDENCE_MAX_BYTES)
        done = attempt(
            lambda: services.add_investment(
                current_user, year, form.kind.data, form.amount_yuan.data, form.description.data, evidence
            ),
            form,
        )
        if done is not REFUSED:
            flash(_("The investment is recorded with its evidence."), "success")
            return redirect(url_for(".report", year=year))
    return report(year, investment_form=form, status=400)


@enterprise_bp.post("/<int:year>/investments/<int:investment_id>/delete")
def remove_investment(year: int, investment_id: int):
    year = _year(year)
    if ActionForm().validate_on_submit():
        if attempt(lambda: services.remove_investment(current_user, year, investment_id)) is not REFUSED:
            flash(_("Removed."), "success")
    return redirect(url_for(".report", year=year))


@enterprise_bp.get("/<int:year>/investments/<int:investment_id>/evidence.<any(pdf, png, jpg):ext>")
def evidence(year: int, investment_id: int, ext: str):
    try:
        item = services.investment_of(current_user, investment_id)
    except NotFound:
        abort(404)
    if ext != item.extension:
        abort(404)
    return download(item.evidence, f"investment-{item.id}.{ext}")


@enterprise_bp.post("/<int:year>/publish")
def publish(year: int):
    year = _year(year)
    if ActionForm().validate_on_submit():
        if attempt(lambda: services.publish(current_user, year)) is not REFUSED:
            flash(_("The report is published: the district's administrators can read it."), "success")
    return redirect(url_for(".report", year=year))


@enterprise_bp.get("/<int:year>/print")
def printable(year: int):
    year = _year(year)
    found = services.report_of(current_user.organisation_id, year)
    return render_template(
        "enterprise_reports/print.html",
        sources_endpoint=".sources",
        **_context(current_user.organisation, year, found),
    )


@enterprise_bp.get("/<int:year>/report.docx")
def report_docx(year: int):
    year = _year(year)
    found = services.report_of(current_user.organisation_id, year)
    data = services.docx(current_user.organisation, year, found)
    return download(data, f"enterprise-report-{year}.docx")


@enterprise_bp.get("/<int:year>/sources/<key>")
def sources(year: int, key: str):
    year = _year(year)
    try:
        found = services.figure(current_user.organisation_id, year, key)
    except NotFound:
        abort(404)
    return render_template(
        "enterprise_reports/sources.html",
        figure=found,
        year=year,
        enterprise=current_user.organisation,
        back=url_for(".report", year=year),
    )


# --- administrators ---------------------------------------------------------------------------------


@admin_bp.get("/")
def publication_list():
    year = _year(request.args.get("year", type=int) or district_today().year)
    return render_template(
        "enterprise_reports/admin_list.html",
        rows=services.publication_list(year),
        year=year,
        years=range(district_today().year, services.FIRST_YEAR - 1, -1),
    )


def _report_or_404(report_id: int):
    try:
        return services.get_report(report_id)
    except NotFound:
        abort(404)


@admin_bp.get("/<int:report_id>")
def admin_report(report_id: int):
    found = _report_or_404(report_id)
    return render_template(
        "enterprise_reports/print.html",
        sources_endpoint=".admin_sources",
        report_id=found.id,
        **_context(found.enterprise, found.year, found),
    )


@admin_bp.get("/<int:report_id>/sources/<key>")
def admin_sources(report_id: int, key: str):
    found = _report_or_404(report_id)
    try:
        figure = services.figure(found.enterprise_id, found.year, key)
    except NotFound:
        abort(404)
    return render_template(
        "enterprise_reports/sources.html",
        figure=figure,
        year=found.year,
        enterprise=found.enterprise,
        back=url_for(".admin_report", report_id=found.id),
    )


@admin_bp.get("/<int:report_id>/investments/<int:investment_id>/evidence.<any(pdf, png, jpg):ext>")
def admin_evidence(report_id: int, investment_id: int, ext: str):
    try:
        item = services.investment_of(None, investment_id, admin=True)
    except NotFound:
        abort(404)
    if item.report_id != report_id:
        abort(404)
    if ext != item.extension:
        abort(404)
    return download(item.evidence, f"investment-{item.id}.{ext}")
