"""Named classes as both partners see them: one blueprint nested in the school and enterprise areas.

Both partners of an order-class cooperation see its named classes; which of
them may see applicants, approve, admit or reject follows the cooperation's
AdmissionsMode (the rules live in `services.named_classes`).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.named_classes import services as named_classes
from portal.named_classes.forms import NamedClassForm
from portal.named_classes.models import BENEFITS
from portal.partnerships.models import Side
from portal.platform.confirm import needs_confirmation
from portal.platform.forms import ActionForm
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.web import REFUSED, area, attempt, download, form_status, one_pass, only_in

bp = Blueprint("named_classes", __name__)


@bp.get("/named-classes")
def named_class_list():
    # The school also sees the order-class cooperations it can still publish a class for.
    context = (
        {"cooperations": named_classes.publishable_cooperations(current_user)}
        if area() == Side.SCHOOL.value
        else {}
    )
    return render_template(
        f"named_classes/{area()}/named_classes.html",
        classes=named_classes.classes_of_partner(current_user),
        action_form=ActionForm(),
        **context,
    )


@bp.get("/named-classes/<int:class_id>")
def named_class_detail(class_id: int):
    named_class, rights, applications = named_classes.partner_view(current_user, class_id)
    return render_template(
        "named_classes/named_class_applications.html",
        named_class=named_class,
        applications=applications,
        rights=rights,
        benefits=BENEFITS,
        area=area(),
        action_form=ActionForm(),
    )


def back(application) -> str:
    class_id = (
        application.named_class_id if application is not REFUSED else request.form.get("class_id", type=int)
    )
    if class_id:
        return url_for(".named_class_detail", class_id=class_id)
    return url_for(".named_class_list")


def _decide(decide, application_id: int, done, category: str):
    """A decision on an application, with the reason typed beside the button; back to its class.
    `done` names the student as `%(name)s`."""
    application = attempt(lambda: decide(current_user, application_id, request.form.get("reason", "")))
    if application is not REFUSED:
        flash(str(done) % {"name": application.student.name}, category)
    return redirect(back(application))


@bp.post("/class-applications/<int:application_id>/admit")
@needs_confirmation("admit")
def application_admit(application_id: int):
    return _decide(named_classes.admit, application_id, _l("%(name)s has been admitted."), "success")


@bp.post("/class-applications/<int:application_id>/reject")
@needs_confirmation("reject_application")
def application_reject(application_id: int):
    return _decide(named_classes.reject, application_id, _l("%(name)s has not been admitted."), "info")


def applicants_file(class_id: int, fmt: str):
    named_class, data = named_classes.export_applicants(current_user, class_id, fmt)
    return download(data, f"applicants-{named_class.id}.{fmt}")


@bp.get("/named-classes/<int:class_id>/applicants.xlsx")
def applicants_xlsx(class_id: int):
    return applicants_file(class_id, "xlsx")


@bp.get("/named-classes/<int:class_id>/applicants.csv")
def applicants_csv(class_id: int):
    return applicants_file(class_id, "csv")


@bp.post("/class-applications/<int:application_id>/review")
@only_in(Side.ENTERPRISE.value)
def application_review(application_id: int):
    """The enterprise's approval before the school admits (AdmissionsMode.ENTERPRISE_REVIEW)."""
    return _decide(
        named_classes.review,
        application_id,
        _l("You have approved %(name)s; the school can now admit."),
        "success",
    )


# --- the school publishes named classes from its order-class cooperations -------------------


@bp.route("/cooperations/<int:cooperation_id>/named-class", methods=["GET", "POST"])
@only_in(Side.SCHOOL.value)
def named_class_new(cooperation_id: int):
    cooperation = named_classes.get_cooperation_for_school(current_user, cooperation_id)
    form = NamedClassForm()
    if request.method == "GET":
        for name, value in named_classes.suggested_values(cooperation).items():
            getattr(form, name).data = value
    publish = bool(form.publish.data)
    created = one_pass(
        form,
        lambda: named_classes.create_named_class(
            current_user, cooperation_id, form.values(), publish=publish
        ),
    )
    if created is not REFUSED:
        flash(
            _("The named class has been published.")
            if publish
            else _("The named class has been saved as a draft."),
            "success",
        )
        return redirect(url_for(".named_class_detail", class_id=created.id))
    return render_template(
        "named_classes/school/named_class_form.html", form=form, cooperation=cooperation
    ), form_status()


@bp.post("/named-classes/<int:class_id>/publish")
@only_in(Side.SCHOOL.value)
def named_class_publish(class_id: int):
    if attempt(lambda: named_classes.open_named_class(current_user, class_id)) is not REFUSED:
        flash(_("The named class has been published."), "success")
    return redirect(url_for(".named_class_detail", class_id=class_id))


@bp.post("/named-classes/<int:class_id>/close")
@only_in(Side.SCHOOL.value)
def named_class_close(class_id: int):
    if attempt(lambda: named_classes.close_named_class(current_user, class_id)) is not REFUSED:
        flash(_("The class no longer takes applications; you can still decide on those received."), "info")
    return redirect(url_for(".named_class_detail", class_id=class_id))
