"""School staff: publish named classes from the school's order-class cooperations and decide admissions."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.named_class_views import add_named_class_routes
from portal.school.named_class_forms import NamedClassForm
from portal.school.views import bp
from portal.services import named_classes
from portal.web import REFUSED, attempt, form_status

add_named_class_routes(
    bp, extra_list_context=lambda: {"cooperations": named_classes.publishable_cooperations(current_user)}
)


@bp.route("/cooperations/<int:cooperation_id>/named-class", methods=["GET", "POST"])
def named_class_new(cooperation_id: int):
    cooperation = named_classes.get_cooperation_for_school(current_user, cooperation_id)
    form = NamedClassForm()
    if request.method == "GET":
        for name, value in named_classes.suggested_values(cooperation).items():
            getattr(form, name).data = value
    if form.validate_on_submit():
        publish = bool(form.publish.data)
        created = attempt(
            lambda: named_classes.create_named_class(current_user, cooperation_id, form.values(), publish=publish),
            form,
        )
        if created is not REFUSED:
            flash(_("The named class has been published.") if publish
                  else _("The named class has been saved as a draft."), "success")
            return redirect(url_for("school.named_class_detail", class_id=created.id))
    return render_template("school/named_class_form.html", form=form, cooperation=cooperation), form_status()


@bp.post("/named-classes/<int:class_id>/publish")
def named_class_publish(class_id: int):
    if attempt(lambda: named_classes.open_named_class(current_user, class_id)) is not REFUSED:
        flash(_("The named class has been published."), "success")
    return redirect(url_for("school.named_class_detail", class_id=class_id))


@bp.post("/named-classes/<int:class_id>/close")
def named_class_close(class_id: int):
    if attempt(lambda: named_classes.close_named_class(current_user, class_id)) is not REFUSED:
        flash(_("The class no longer takes applications; you can still decide on those received."), "info")
    return redirect(url_for("school.named_class_detail", class_id=class_id))
