"""职业教育集团: `school_bp` (the lead school keeps its groups) and `admin_bp` (the groups the
dashboard counts). Each checks its role once, before every request."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.models import Role
from portal.education_groups import services
from portal.education_groups.forms import GroupForm, MemberForm, ShareForm
from portal.platform import uploads
from portal.platform.errors import NotFound
from portal.platform.security import guard_blueprint
from portal.platform.web import REFUSED, attempt, download

school_bp = Blueprint("school_groups", __name__, url_prefix="/school/education-groups")
guard_blueprint(school_bp, Role.SCHOOL_STAFF)
admin_bp = Blueprint("admin_groups", __name__, url_prefix="/admin/education-groups")
guard_blueprint(admin_bp, Role.ADMIN)


@school_bp.route("/", methods=["GET", "POST"])
def group_list():
    form = GroupForm()
    if form.validate_on_submit():
        charter = uploads.read(form.charter.data, services.CHARTER_MAX_BYTES)
        group = attempt(
            lambda: services.create_group(current_user, form.name.data, form.founded_on.data, charter), form
        )
        if group is not REFUSED:
            flash(_("The education group is recorded."), "success")
            return redirect(url_for(".group_detail", group_id=group.id))
        status = 400
    else:
        status = 400 if form.is_submitted() else 200
    return render_template(
        "education_groups/school_list.html", groups=services.groups_led_by(current_user), form=form
    ), status


def _own_or_404(group_id: int):
    try:
        return services.get_own(current_user, group_id)
    except NotFound:
        abort(404)


def _detail(group, member_form=None, share_form=None, status=200):
    share_form = share_form or ShareForm(formdata=None)
    share_form.offered_by.choices = [(m.name, m.name) for m in group.members]
    return render_template(
        "education_groups/school_detail.html",
        group=group,
        member_form=member_form or MemberForm(formdata=None),
        share_form=share_form,
    ), status


@school_bp.get("/<int:group_id>")
def group_detail(group_id: int):
    return _detail(_own_or_404(group_id))


@school_bp.post("/<int:group_id>/members")
def add_member(group_id: int):
    group = _own_or_404(group_id)
    form = MemberForm()
    if form.validate_on_submit():
        if (
            attempt(lambda: services.add_member(current_user, group_id, form.kind.data, form.name.data), form)
            is not REFUSED
        ):
            flash(_("The member is added."), "success")
            return redirect(url_for(".group_detail", group_id=group_id))
    return _detail(group, member_form=form, status=400)


@school_bp.post("/<int:group_id>/shares")
def add_share(group_id: int):
    group = _own_or_404(group_id)
    form = ShareForm()
    if form.validate_on_submit():
        done = attempt(
            lambda: services.add_share(
                current_user, group_id, form.kind.data, form.offered_by.data, form.description.data
            ),
            form,
        )
        if done is not REFUSED:
            flash(_("Recorded."), "success")
            return redirect(url_for(".group_detail", group_id=group_id))
    return _detail(group, share_form=form, status=400)


@school_bp.get(
    "/<int:group_id>/charter.<any(pdf, png, jpg):ext>"
)  # the extension: downloads are told apart by it
def charter(group_id: int, ext: str):
    try:
        group = services.charter_of(group_id, current_user)
    except NotFound:
        abort(404)
    if ext != group.charter_extension:
        abort(404)
    return download(group.charter, f"charter-{group.id}.{ext}", private=False)


@admin_bp.get("/")
def district_list():
    return render_template("education_groups/admin_list.html", groups=services.district_groups())


@admin_bp.get("/<int:group_id>/charter.<any(pdf, png, jpg):ext>")
def admin_charter(group_id: int, ext: str):
    try:
        group = services.charter_of(group_id, admin=True)
    except NotFound:
        abort(404)
    if ext != group.charter_extension:
        abort(404)
    return download(group.charter, f"charter-{group.id}.{ext}", private=False)
