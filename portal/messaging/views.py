"""Phone sign-in, one's number and channels, the organisation's robot, and SMS short links.

Every logged-in person (any role) reaches their number and channels; the robot page is for
active staff of an enterprise or a school. Numbers never appear in a URL (access logs keep
URLs): the number being signed in with waits in the session between the two steps.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.accounts.models import Role
from portal.accounts.views import _start_session
from portal.extensions import client_address
from portal.messaging import codes, phones, services
from portal.messaging.forms import ChannelsForm, CodeForm, PhoneForm, ResetForm, RobotForm
from portal.platform.security import home_url_for, is_safe_next
from portal.platform.web import REFUSED, attempt, form_status, refusal_status

bp = Blueprint("messaging", __name__)
_SIGNING_IN = "phone_sign_in"
_VERIFYING = "phone_verify"
_RESETTING = "phone_reset"


# --- sign-in by number and code -----------------------------------------------------------------


def _send_code(purpose: str, remember: str, then: str, **page):
    """The number's form: a code goes out by SMS (the same answer whether the number has an
    account or not), the number is kept in the session under `remember`, and `then` asks for the code."""
    form = PhoneForm()
    if form.validate_on_submit():
        issued = attempt(lambda: codes.issue(purpose, form.phone.data, client_address()), form)
        if issued is not REFUSED:
            session[remember] = issued.phone
            flash(_("If this number belongs to an account, a code is on its way by SMS."), "info")
            return redirect(then)
        return render_template("messaging/phone_login.html", form=form, **page), refusal_status()
    return render_template("messaging/phone_login.html", form=form, **page), form_status()


@bp.route("/auth/phone", methods=["GET", "POST"])
def phone_login():
    return _send_code("login", _SIGNING_IN, url_for("messaging.phone_code", next=request.args.get("next")))


@bp.route("/auth/phone/code", methods=["GET", "POST"])
def phone_code():
    phone = session.get(_SIGNING_IN)
    if not phone:
        return redirect(url_for("messaging.phone_login"))
    form = CodeForm()
    if form.validate_on_submit():
        user = attempt(lambda: codes.sign_in(phone, form.code.data), form)
        if user is not REFUSED:
            # The same fresh session as the e-mail login (ASVS 7.2.4).
            _start_session(user)
            next_url = request.args.get("next")
            return redirect(next_url if is_safe_next(next_url) else home_url_for(user))
    return (
        render_template("messaging/phone_code.html", form=form, masked=phones.masked(phone)),
        form_status(),
    )


# --- resetting the password by SMS ---------------------------------------------------------------


@bp.route("/auth/phone/reset", methods=["GET", "POST"])
def phone_reset():
    return _send_code("reset", _RESETTING, url_for("messaging.phone_reset_code"), resetting=True)


@bp.route("/auth/phone/reset/code", methods=["GET", "POST"])
def phone_reset_code():
    phone = session.get(_RESETTING)
    if not phone:
        return redirect(url_for("messaging.phone_reset"))
    form = ResetForm()
    if form.validate_on_submit():
        done = attempt(lambda: codes.reset_password(phone, form.code.data, form.password.data), form)
        if done is not REFUSED:
            session.pop(_RESETTING, None)
            flash(_("Your password has been changed. Other sessions have been logged out."), "success")
            return redirect(url_for("auth.login"))
    return (
        render_template("messaging/phone_code.html", form=form, masked=phones.masked(phone), resetting=True),
        form_status(),
    )


# --- one's number -------------------------------------------------------------------------------


@bp.route("/account/phone", methods=["GET", "POST"])
@login_required
def my_phone():
    user = current_user._get_current_object()
    form = PhoneForm()
    if form.validate_on_submit():
        issued = attempt(lambda: codes.issue("verify", form.phone.data, client_address(), user=user), form)
        if issued is not REFUSED:
            session[_VERIFYING] = issued.phone
            return redirect(url_for("messaging.verify_phone"))
        return render_template(
            "messaging/my_phone.html", form=form, number=_own_number(user)
        ), refusal_status()
    return render_template("messaging/my_phone.html", form=form, number=_own_number(user)), form_status()


def _own_number(user) -> str:
    return phones.display(phones.number_of(user))


@bp.route("/account/phone/verify", methods=["GET", "POST"])
@login_required
def verify_phone():
    phone = session.get(_VERIFYING)
    if not phone:
        return redirect(url_for("messaging.my_phone"))
    user = current_user._get_current_object()
    form = CodeForm()
    if form.validate_on_submit():
        done = attempt(lambda: codes.verify_number(user, phone, form.code.data), form)
        if done is not REFUSED:
            session.pop(_VERIFYING, None)
            flash(_("Your mobile number is verified."), "success")
            return redirect(url_for("messaging.channels"))
    return (
        render_template("messaging/phone_code.html", form=form, masked=phones.masked(phone), verifying=True),
        form_status(),
    )


@bp.post("/account/phone/remove")
@login_required
def remove_phone():
    attempt(lambda: phones.remove_number(current_user._get_current_object()))
    flash(_("Your mobile number was removed."), "info")
    return redirect(url_for("messaging.my_phone"))


# --- channels -----------------------------------------------------------------------------------


@bp.route("/account/channels", methods=["GET", "POST"])
@login_required
def channels():
    user = current_user._get_current_object()
    form = ChannelsForm(data=services.preferences(user) if request.method == "GET" else None)
    if form.validate_on_submit():
        wanted = {topic: getattr(form, topic).data for topic in services.TOPICS}
        done = attempt(lambda: services.set_preferences(user, wanted), form)
        if done is not REFUSED:
            flash(_("Your choices are saved."), "success")
            return redirect(url_for("messaging.channels"))
    return (
        render_template(
            "messaging/channels.html",
            form=form,
            number=phones.display(phones.number_of(user)),
            messages=services.messages_of(user, limit=20),
            robot=services.robot_of(user),
            staff=user.role != Role.STUDENT.value and user.organisation_id is not None,
        ),
        form_status(),
    )


# --- the organisation's robot -------------------------------------------------------------------


@bp.route("/account/robot", methods=["GET", "POST"])
@login_required
def robot():
    user = current_user._get_current_object()
    if user.role == Role.STUDENT.value or user.organisation_id is None:
        abort(404)
    form = RobotForm()
    if form.validate_on_submit():
        done = attempt(lambda: services.connect_robot(user, form.url.data), form)
        if done is not REFUSED:
            flash(
                _("The group robot is connected: your organisation's notices are posted there too."),
                "success",
            )
            return redirect(url_for("messaging.channels"))
    return render_template("messaging/robot.html", form=form, robot=services.robot_of(user)), form_status()


@bp.post("/account/robot/remove")
@login_required
def remove_robot():
    attempt(lambda: services.disconnect_robot(current_user._get_current_object()))
    return redirect(url_for("messaging.channels"))


# --- SMS short links ----------------------------------------------------------------------------


@bp.get("/m/<int:message_id>")
@login_required
def short_link(message_id: int):
    target = attempt(lambda: services.open_link(current_user._get_current_object(), message_id))
    if target is REFUSED or not is_safe_next(target):
        abort(404)
    return redirect(target)
