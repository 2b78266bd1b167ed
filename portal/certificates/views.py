"""1+X certificates: `admin_bp` (the catalogue, its import, pass rates), `school_bp` (sites, sessions
and results). Each checks its role once, before every request."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.models import Role
from portal.certificates import services
from portal.certificates.forms import (
    ResultsForm,
    SessionForm,
    SiteForm,
    SkillCertificateForm,
    certificate_choices,
)
from portal.platform import spreadsheets
from portal.platform.errors import NotFound
from portal.platform.forms import ImportForm
from portal.platform.security import guard_blueprint
from portal.platform.web import REFUSED, attempt, form_status

admin_bp = Blueprint("admin_certificates", __name__, url_prefix="/admin/certificates")
guard_blueprint(admin_bp, Role.ADMIN)
school_bp = Blueprint("school_certificates", __name__, url_prefix="/school/certificates")
guard_blueprint(school_bp, Role.SCHOOL_STAFF)


def _catalogue_page(form=None, import_form=None, errors=(), status=200):
    return render_template(
        "certificates/admin_catalogue.html",
        certificates=services.all_certificates(),
        form=form or SkillCertificateForm(formdata=None),
        import_form=import_form or ImportForm(formdata=None),
        errors=errors,
        spec=services.CATALOGUE_SHEET,
    ), status


@admin_bp.route("/", methods=["GET", "POST"])
def catalogue():
    form = SkillCertificateForm()
    if form.validate_on_submit():
        done = attempt(
            lambda: services.create_certificate(
                current_user, form.name.data, form.level.data, form.issuer.data, form.majors.data
            ),
            form,
        )
        if done is not REFUSED:
            flash(_("The certificate is in the catalogue."), "success")
            return redirect(url_for(".catalogue"))
    return _catalogue_page(form=form, status=form_status())


@admin_bp.post("/import")
def import_catalogue():
    form = ImportForm()
    if not form.validate_on_submit():
        return _catalogue_page(import_form=form, status=400)
    upload = form.file.data
    data = upload.read(spreadsheets.MAX_BYTES + 1)
    errors: list = []

    def run():
        try:
            return services.import_certificates(current_user, data, upload.filename)
        except spreadsheets.ImportRefused as exc:
            errors.extend(exc.errors)
            raise

    created = attempt(run, form)
    if created is REFUSED:
        return _catalogue_page(import_form=form, errors=errors, status=400)
    flash(_("%(n)d certificates imported.", n=created), "success")
    return redirect(url_for(".catalogue"))


@admin_bp.get("/pass-rates")
def pass_rates():
    passed, sat = services.pass_totals()
    return render_template("certificates/pass_rates.html", rows=services.pass_rates(), passed=passed, sat=sat)


# --- schools --------------------------------------------------------------------------------


@school_bp.get("/")
def overview(site_form=None, session_form=None):
    choices = certificate_choices(services.all_certificates())
    site_form = site_form or SiteForm(formdata=None, prefix="site")
    session_form = session_form or SessionForm(formdata=None, prefix="session")
    site_form.certificate_id.choices = session_form.certificate_id.choices = choices
    return render_template(
        "certificates/school_overview.html",
        sites=services.sites_of(current_user),
        sessions=services.sessions_of(current_user),
        site_form=site_form,
        session_form=session_form,
    )


@school_bp.post("/sites")
def declare_site():
    form = SiteForm(prefix="site")  # two forms on one page: their fields need distinct ids
    if form.validate_on_submit():
        if (
            attempt(
                lambda: services.declare_site(current_user, form.certificate_id.data, form.role.data), form
            )
            is not REFUSED
        ):
            flash(_("Recorded."), "success")
            return redirect(url_for(".overview"))
    return overview(site_form=form), 400


@school_bp.post("/sessions")
def create_session():
    form = SessionForm(prefix="session")
    if form.validate_on_submit():
        session = attempt(
            lambda: services.create_session(current_user, form.certificate_id.data, form.held_on.data), form
        )
        if session is not REFUSED:
            flash(_("The session is recorded: now enter its results."), "success")
            return redirect(url_for(".session_detail", session_id=session.id))
    return overview(session_form=form), 400


@school_bp.route("/sessions/<int:session_id>", methods=["GET", "POST"])
def session_detail(session_id: int):
    try:
        session = services.get_session(current_user, session_id)
    except NotFound:
        abort(404)
    form = ResultsForm()
    students = services.students_of(current_user)
    if form.validate_on_submit():
        chosen = {
            s.id: request.form.get(f"result-{s.id}", "")
            for s in students
            if request.form.get(f"result-{s.id}")
        }
        results = [
            services.ResultInput(student_id, {"passed": True, "failed": False}.get(value))
            for student_id, value in chosen.items()
        ]
        if attempt(lambda: services.record_results(current_user, session_id, results)) is not REFUSED:
            flash(_("The results are recorded."), "success")
            return redirect(url_for(".session_detail", session_id=session_id))
    recorded = {r.student_id: r for r in session.results}
    return render_template(
        "certificates/school_session.html", session=session, students=students, recorded=recorded, form=form
    ), form_status()
