"""Rule settings (规则设置): the values of rules no confirmed source fixes, each with its reason.

Routes join the `admin` blueprint, so its role guard applies to them all.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.platform.routing import Routes
from portal.platform.web import REFUSED, attempt, form_status
from portal.rules import services as rule_settings
from portal.rules.forms import RuleSettingForm
from portal.rules.settings import BY_KEY

routes = Routes("admin")


def _page(forms: dict | None = None):
    settings = rule_settings.all_settings()
    forms = forms or {}
    for current in settings:
        forms.setdefault(
            current.spec.key,
            RuleSettingForm(prefix=current.spec.key, value=current.value, note=str(current.note)),
        )
    return render_template("rules/admin/rules.html", settings=settings, forms=forms), form_status()


@routes.get("/rules")
def rule_settings_page():
    return _page()


@routes.post("/rules/<key>")
def rule_setting_save(key: str):
    if key not in BY_KEY:
        abort(404)
    form = RuleSettingForm(prefix=key)
    if form.validate_on_submit():
        saved = attempt(
            lambda: rule_settings.set_value(current_user, key, form.value.data, form.note.data), form
        )
        if saved is not REFUSED:
            flash(
                _("The setting is saved. Records made before keep the value they were made under."), "success"
            )
            return redirect(url_for("admin.rule_settings_page"))
    return _page({key: form})
