"""Administrators enter labour-market figures (nested in the admin area: its role guard applies)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.labour_market import services
from portal.labour_market.forms import LabourFigureForm
from portal.platform.checks import district_today
from portal.platform.i18n import current_locale
from portal.platform.web import REFUSED, form_status, one_pass
from portal.programs import catalogue

admin_bp = Blueprint("labour_market", __name__, url_prefix="/labour-market")


@admin_bp.route("", methods=["GET", "POST"])
def figures():
    form = LabourFigureForm()
    locale = current_locale()
    form.major_group.choices = [
        ("", _("— choose —")),
        *((g, catalogue.group_label(g, locale)) for g in services.groups()),
    ]
    if not form.is_submitted():
        form.year.data = district_today().year
    row = one_pass(
        form,
        lambda: services.enter(
            current_user,
            form.year.data,
            form.occupation.data or "",
            form.major_group.data or "",
            form.vacancies.data,
            form.source.data or "",
        ),
    )
    if row is not REFUSED:
        flash(_("The figure is recorded with its source; the intake suggestions count it."), "success")
        return redirect(url_for(".figures"))
    return render_template("labour_market/figures.html", form=form, rows=services.recent()), form_status()
