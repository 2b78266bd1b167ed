"""Registration, login, logout and password change."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from portal.accounts import services as accounts
from portal.accounts.forms import (
    CHOOSE,
    ChangePasswordForm,
    EnterpriseRegistrationForm,
    JoinForm,
    LoginForm,
    SchoolRegistrationForm,
    StudentRegistrationForm,
)
from portal.accounts.services import NewAccount
from portal.extensions import client_address, limiter
from portal.organisations import services as organisations
from portal.organisations.services import NewEnterprise, NewSchool
from portal.platform.security import home_url_for, is_safe_next, security_log
from portal.platform.web import REFUSED, attempt, form_status, one_pass

bp = Blueprint("auth", __name__, url_prefix="/auth")

# A mobile number given at registration is verified by an SMS code (issue 30). Messaging, a domain
# above accounts, registers how a code is issued (portal.messaging.wiring), so imports go one way.
_phone_verification: dict[str, Callable] = {}


def register_phone_verification(issue: Callable) -> None:
    _phone_verification["issue"] = issue


def _account_key() -> str:
    return "login:" + accounts.normalise_email(request.form.get("email", ""))


def _failed(response) -> bool:
    # Only wrong credentials count: a success redirects, and an error of ours (database
    # down, a 500) must not lock the account and the address once the site is back.
    return bool(g.get("wrong_credentials"))


def _start_session(user) -> None:
    # A fresh session at login (ASVS 7.2.4): nothing from the anonymous session survives.
    session.clear()
    # A logged-in session ends after PERMANENT_SESSION_LIFETIME, not only when the browser closes.
    session.permanent = True
    login_user(user)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], deduct_when=_failed)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_failed,
)
def login():
    form = LoginForm()
    next_url = request.args.get("next")
    if form.validate_on_submit():
        # A login writes too (a rehashed password, the session token), so it is a unit of work.
        user = attempt(lambda: accounts.authenticate(form.email.data, form.password.data))
        if user not in (None, REFUSED):
            _start_session(user)
            return redirect(next_url if is_safe_next(next_url) else home_url_for(user))
        g.wrong_credentials = True
        security_log.warning(
            "login failed: email=%r addr=%s", accounts.normalise_email(form.email.data), client_address()
        )
        flash(_("Wrong e-mail or password."), "error")
    return render_template("accounts/login.html", form=form), form_status()


@bp.post("/logout")
@login_required
def logout():
    # Rotating the token ends this session on the server: a copied cookie stops working.
    attempt(lambda: accounts.end_sessions(current_user._get_current_object()))
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("public.index"))


@bp.get("/register")
def register():
    return render_template("accounts/register.html")


def _account(form) -> NewAccount:
    return NewAccount(
        email=form.email.data or "", name=form.name.data or "", password=form.password.data or ""
    )


def _registered(user):
    _start_session(user)
    flash(_("Welcome! Your account has been created."), "success")
    return redirect(home_url_for(user))


register_limit = limiter.limit(lambda: current_app.config["REGISTER_LIMIT"], methods=["POST"])


@bp.route("/register/enterprise", methods=["GET", "POST"])
@register_limit
def register_enterprise():
    form = EnterpriseRegistrationForm()
    org = NewEnterprise(
        name=form.org_name.data or "",
        credit_code=form.credit_code.data or "",
        industry=form.industry.data,
        town=form.town.data,
        address=form.address.data or "",
        contact_person=form.contact_person.data or "",
        phone=form.phone.data or "",
        size=form.size.data,
    )
    user = one_pass(form, lambda: accounts.register_enterprise(_account(form), org))
    if user is not REFUSED:
        return _registered(user)
    return render_template("accounts/register_enterprise.html", form=form), form_status()


@bp.route("/register/school", methods=["GET", "POST"])
@register_limit
def register_school():
    form = SchoolRegistrationForm()
    org = NewSchool(
        name=form.org_name.data or "",
        school_kind=form.school_kind.data,
        town=form.town.data,
        address=form.address.data or "",
    )
    user = one_pass(form, lambda: accounts.register_school(_account(form), org))
    if user is not REFUSED:
        return _registered(user)
    return render_template("accounts/register_school.html", form=form), form_status()


@bp.route("/register/join", methods=["GET", "POST"])
@register_limit
def register_join():
    form = JoinForm()
    form.organisation.choices = [
        CHOOSE,
        *((org.id, f"{org.name}") for org in organisations.joinable_organisations()),
    ]
    if form.validate_on_submit():
        user = attempt(lambda: accounts.register_member(_account(form), form.organisation.data), form)
        if user is not REFUSED:
            return _registered(user)
    return render_template("accounts/register_join.html", form=form), form_status()


@bp.route("/register/student", methods=["GET", "POST"])
@register_limit
def register_student():
    form = StudentRegistrationForm()
    schools, majors = accounts.student_choices()
    form.school.choices = [CHOOSE, *((s.id, s.name) for s in schools)]
    form.program.choices = [CHOOSE, *((p.id, p.name) for p in majors)]
    # The page's script narrows majors to the chosen school; the service re-checks it.
    program_schools = {p.id: p.school_id for p in majors}
    if form.validate_on_submit():
        # A number given at registration is verified by an SMS code (issue 30).
        def register():
            user = accounts.register_student(_account(form), form.school.data, form.program.data)
            issued = (
                _phone_verification["issue"]("verify", form.phone.data, client_address(), user=user)
                if form.phone.data
                else None
            )
            return user, issued

        done = attempt(register, form)
        if done is not REFUSED:
            user, issued = done
            if issued is None:
                return _registered(user)
            _start_session(user)
            session["phone_verify"] = issued.phone  # portal.messaging.views.verify_phone
            flash(_("Welcome! Your account has been created."), "success")
            return redirect(url_for("messaging.verify_phone"))
    return (
        render_template("accounts/register_student.html", form=form, program_schools=program_schools),
        form_status(),
    )


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        done = attempt(
            lambda: accounts.change_password(user, form.current_password.data, form.password.data), form
        )
        if done is not REFUSED:
            _start_session(user)  # the token rotated: this session continues under the new one
            flash(_("Your password has been changed. Other sessions have been logged out."), "success")
            return redirect(home_url_for(user))
    return render_template("accounts/change_password.html", form=form), form_status()
