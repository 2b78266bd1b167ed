"""Named-class review routes, shared by the school and enterprise areas.

Both partners of an order-class cooperation see its named classes; which of
them may see applicants, approve, admit or reject follows the cooperation's
AdmissionsMode (the rules live in `services.named_classes`).
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.confirm import needs_confirmation
from portal.forms import ActionForm
from portal.models.named_classes import BENEFITS
from portal.services import named_classes
from portal.web import REFUSED, attempt, download


def add_named_class_routes(bp: Blueprint, *, extra_list_context=None) -> None:
    area = bp.name

    @bp.get("/named-classes")
    def named_class_list():
        context = extra_list_context() if extra_list_context else {}
        return render_template(
            f"{area}/named_classes.html",
            classes=named_classes.classes_of_partner(current_user),
            action_form=ActionForm(),
            **context,
        )

    @bp.get("/named-classes/<int:class_id>")
    def named_class_detail(class_id: int):
        named_class, rights, applications = named_classes.partner_view(current_user, class_id)
        return render_template(
            "shared/named_class_applications.html",
            named_class=named_class,
            applications=applications,
            rights=rights,
            benefits=BENEFITS,
            area=area,
            action_form=ActionForm(),
        )

    def back(application) -> str:
        class_id = application.named_class_id if application is not REFUSED else request.form.get("class_id", type=int)
        if class_id:
            return url_for(f"{area}.named_class_detail", class_id=class_id)
        return url_for(f"{area}.named_class_list")

    @bp.post("/class-applications/<int:application_id>/admit")
    @needs_confirmation("admit")
    def application_admit(application_id: int):
        application = attempt(lambda: named_classes.admit(current_user, application_id, request.form.get("reason", "")))
        if application is not REFUSED:
            flash(_("%(name)s has been admitted.", name=application.student.name), "success")
        return redirect(back(application))

    @bp.post("/class-applications/<int:application_id>/reject")
    @needs_confirmation("reject_application")
    def application_reject(application_id: int):
        application = attempt(lambda: named_classes.reject(current_user, application_id, request.form.get("reason", "")))
        if application is not REFUSED:
            flash(_("%(name)s has not been admitted.", name=application.student.name), "info")
        return redirect(back(application))

    def applicants_file(class_id: int, fmt: str):
        named_class, data = named_classes.export_applicants(current_user, class_id, fmt)
        return download(data, f"applicants-{named_class.id}.{fmt}")

    @bp.get("/named-classes/<int:class_id>/applicants.xlsx")
    def applicants_xlsx(class_id: int):
        return applicants_file(class_id, "xlsx")

    @bp.get("/named-classes/<int:class_id>/applicants.csv")
    def applicants_csv(class_id: int):
        return applicants_file(class_id, "csv")


def add_review_route(bp: Blueprint) -> None:
    """The enterprise's approval before the school admits (AdmissionsMode.ENTERPRISE_REVIEW)."""

    @bp.post("/class-applications/<int:application_id>/review")
    def application_review(application_id: int):
        application = attempt(lambda: named_classes.review(current_user, application_id, request.form.get("reason", "")))
        if application is not REFUSED:
            flash(_("You have approved %(name)s; the school can now admit.", name=application.student.name), "success")
            return redirect(url_for(f"{bp.name}.named_class_detail", class_id=application.named_class_id))
        class_id = request.form.get("class_id", type=int)
        return redirect(url_for(f"{bp.name}.named_class_detail", class_id=class_id) if class_id
                        else url_for(f"{bp.name}.named_class_list"))
