"""Student area."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from portal import inbox
from portal.accounts.models import Role
from portal.apprenticeships import student as apprenticeships_student
from portal.internships import progress as internship_progress
from portal.internships.student_views import student_bp as student_internships_bp
from portal.internships.views import bp as internships_bp
from portal.platform.security import guard_blueprint

bp = Blueprint("student", __name__, url_prefix="/student")
guard_blueprint(bp, Role.STUDENT, open_endpoints=("student.home",))
bp.register_blueprint(internships_bp)
bp.register_blueprint(student_internships_bp)
bp.register_blueprint(apprenticeships_student.bp)


@bp.get("/")
def home():
    return render_template(
        "student/home.html",
        student=current_user,
        applications=inbox.applications_of(current_user),
        open_classes=inbox.open_classes_for(current_user),
        programmes=inbox.apprenticeships_of(current_user),
        internships=internship_progress.of_student(current_user),
        waiting=inbox.for_student(current_user) if current_user.is_member_active else [],
    )
