"""School staff: the road to 70 % double-qualified (双师型) teachers, and each teacher's ledger of
enterprise practice and certificates. Routes join the `school` blueprint (its role guard runs
first); another school's teacher or record is a 404."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.exchanges import services as exchanges
from portal.planning import double_qualified
from portal.planning.forms import CertificateForm, PracticeForm, PracticePlaceForm
from portal.platform import uploads
from portal.platform.forms import ActionForm
from portal.platform.routing import Routes
from portal.platform.web import REFUSED, attempt, download, form_status
from portal.programs import records as school_records
from portal.programs.school_models import CertificateKind
from portal.rules import double_qualified as dq_rule

routes = Routes("school")

_EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}


@routes.get("/double-qualified")
def double_qualified_roadmap():
    return render_template(
        "planning/school/double_qualified.html",
        plan=double_qualified.roadmap(current_user.organisation),
        target=double_qualified.TARGET_PERCENT,
        months_needed=double_qualified.MONTHS_NEEDED,
        plan_source=dq_rule.PLAN_SOURCE,
        practice_source=dq_rule.PRACTICE_SOURCE,
        standard_source=dq_rule.STANDARD_SOURCE,
    )


def _place_form(form: PracticePlaceForm | None = None) -> PracticePlaceForm:
    form = form or PracticePlaceForm(formdata=None)
    form.post_id.choices = [
        (
            post.id,
            _(
                "%(enterprise)s: %(post)s (%(hours)d hours, %(free)d places free)",
                enterprise=post.enterprise.name,
                post=post.title,
                hours=post.hours_per_term,
                free=free,
            ),
        )
        for post, free in exchanges.open_practice_places()
    ]
    return form


def _ledger_page(teacher_id: int, practice_form=None, certificate_form=None, place_form=None):
    return render_template(
        "planning/school/teacher_ledger.html",
        ledger=double_qualified.ledger(current_user, teacher_id),
        practice_form=practice_form or PracticeForm(formdata=None),
        certificate_form=certificate_form or CertificateForm(formdata=None),
        place_form=_place_form(place_form),
        action_form=ActionForm(),
        certificate_labels=CertificateKind.labels(),
        months_needed=double_qualified.MONTHS_NEEDED,
        dq_levels=dq_rule.LEVELS,
        dq_bodies=dq_rule.BODIES,
    ), form_status()


@routes.get("/teachers/<int:teacher_id>/practice")
def teacher_ledger(teacher_id: int):
    return _ledger_page(teacher_id)


@routes.post("/teachers/<int:teacher_id>/practice/new")
def practice_record(teacher_id: int):
    form = PracticeForm()
    if form.validate_on_submit():
        evidence = uploads.read(form.evidence.data, double_qualified.EVIDENCE_MAX_BYTES)
        saved = attempt(
            lambda: double_qualified.record_practice(
                current_user,
                teacher_id,
                enterprise=form.enterprise.data,
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                description=form.description.data,
                evidence=evidence,
            ),
            form,
        )
        if saved is not REFUSED:
            flash(_("The practice period has been recorded."), "success")
            return redirect(url_for("school.teacher_ledger", teacher_id=teacher_id))
    return _ledger_page(teacher_id, practice_form=form)


@routes.post("/teachers/<int:teacher_id>/practice-place")
def practice_place(teacher_id: int):
    """Ask an open practice post's place for this teacher; the enterprise answers on its exchanges."""
    form = PracticePlaceForm()
    if form.validate_on_submit():
        teacher = school_records.get_own_teacher(current_user, teacher_id)
        asked = attempt(lambda: exchanges.ask_for_practice(current_user, teacher, form.post_id.data), form)
        if asked is not REFUSED:
            flash(_("The place has been asked for; the enterprise accepts or declines it."), "success")
            return redirect(url_for("school.exchange_list"))
    return _ledger_page(teacher_id, place_form=form)


@routes.post("/teachers/<int:teacher_id>/certificates")
def certificate_add(teacher_id: int):
    form = CertificateForm()
    if form.validate_on_submit():
        saved = attempt(
            lambda: double_qualified.add_certificate(
                current_user,
                teacher_id,
                kind=form.kind.data,
                name=form.name.data,
                level=form.level.data or "",
                issued_on=form.issued_on.data,
            ),
            form,
        )
        if saved is not REFUSED:
            flash(_("The certificate has been added."), "success")
            return redirect(url_for("school.teacher_ledger", teacher_id=teacher_id))
    return _ledger_page(teacher_id, certificate_form=form)


def _removed(remove, done: str):
    """A line of a teacher's ledger removed: back to the ledger, or to the roadmap when refused."""
    teacher = attempt(remove)
    if teacher is REFUSED:
        return redirect(url_for("school.double_qualified_roadmap"))
    flash(done, "info")
    return redirect(url_for("school.teacher_ledger", teacher_id=teacher.id))


@routes.post("/practice/<int:practice_id>/remove")
def practice_remove(practice_id: int):
    return _removed(
        lambda: double_qualified.remove_practice(current_user, practice_id),
        _("The practice period has been removed."),
    )


@routes.post("/certificates/<int:certificate_id>/remove")
def certificate_remove(certificate_id: int):
    return _removed(
        lambda: double_qualified.remove_certificate(current_user, certificate_id),
        _("The certificate has been removed."),
    )


@routes.get("/practice/<int:practice_id>/evidence")
def practice_evidence(practice_id: int):
    practice = double_qualified.evidence_of(current_user, practice_id)
    return download(practice.evidence, f"practice-{practice.id}.{_EXTENSIONS[practice.evidence_type]}")
