"""育训并举 pages: one blueprint per role that uses them.

- `public_bp` (/training): open runs by town and group, a run's page with the sign-up form
  (phone-width first), each town's page with its community education centres and their runs.
- `school_bp` (nested in /school): the school's runs, confirming places, attendance, completion,
  deleting a trainee's personal data on request.
- `enterprise_bp` (nested in /enterprise): the enterprise's own staff in training, enrolling staff
  from a spreadsheet.
- `bases_bp` (nested in /school and /enterprise): shared training bases and their bookings.
- `admin_bp` (nested in /admin): the community education centres.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.extensions import db
from portal.platform import checks, vocab
from portal.platform.errors import ServiceError
from portal.platform.forms import ActionForm, ImportForm
from portal.platform.spreadsheets import ImportRefused
from portal.platform.web import REFUSED, attempt, download, form_status
from portal.programs import records as school_records
from portal.training import bases, enrolment, figures, proposals, services
from portal.training.forms import (
    AcceptProposalForm,
    AttendanceForm,
    BookingForm,
    CentreForm,
    CompletionForm,
    TraineeSignUpForm,
    TrainingBaseForm,
    TrainingRunForm,
)
from portal.training.models import CommunityCentre, SlotPeriod, TraineeGroup

public_bp = Blueprint("training", __name__, url_prefix="/training")
school_bp = Blueprint("training", __name__, url_prefix="/training")
enterprise_bp = Blueprint("training", __name__, url_prefix="/training")
bases_bp = Blueprint("bases", __name__, url_prefix="/bases")
admin_bp = Blueprint("training", __name__, url_prefix="/training")


def nest(*, school: Blueprint, enterprise: Blueprint, admin: Blueprint) -> None:
    """Register the role blueprints inside their areas, once (the app factory runs many times in
    tests, and the area blueprints are module objects)."""
    for parent, children in (
        (school, (school_bp, bases_bp)),
        (enterprise, (enterprise_bp, bases_bp)),
        (admin, (admin_bp,)),
    ):
        nested = {id(child) for child, _options in parent._blueprints}
        for child in children:
            if id(child) not in nested:
                parent.register_blueprint(child)


@public_bp.app_template_global()
def training_figures(year: int | None = None):
    """The 育训 figures for /stats and the admin dashboard (counts only)."""
    return figures.figures(year)


@public_bp.app_template_global()
def group_label(value: str):
    return TraineeGroup.labels().get(value, value)


@public_bp.app_template_global()
def period_label(value: str):
    return SlotPeriod.labels().get(value, value)


# --- public ------------------------------------------------------------------------


@public_bp.get("/")
def listing():
    query = services.RunQuery.from_args(request.args)
    return render_template(
        "training/listing.html",
        query=query,
        runs=services.open_runs(query),
        towns=vocab.town_choices(),
        groups=TraineeGroup,
    )


@public_bp.get("/towns/<town>")
def town_page(town: str):
    if town not in vocab.TOWNS:
        abort(404)
    query = services.RunQuery(town=town)
    return render_template(
        "training/town.html",
        town=town,
        centres=services.centres_in(town),
        runs=services.open_runs(query),
    )


@public_bp.route("/runs/<int:run_id>", methods=["GET", "POST"])
def run_page(run_id: int):
    run = attempt(lambda: services.public_run(run_id))
    form = TraineeSignUpForm()
    if request.method == "POST" and form.validate_on_submit():
        trainee = attempt(lambda: services.sign_up(run_id, form.values()), form)
        if trainee is not REFUSED:
            return render_template("training/signed_up.html", run=run), 201
    elif request.method == "GET" and run.venue_kind == "centre" and run.centre:
        form.town.data = run.centre.town
    return render_template("training/run.html", run=run, form=form), form_status()


# --- school ------------------------------------------------------------------------


@school_bp.get("/")
def runs():
    return render_template(
        "training/school_runs.html", runs=services.runs_of_school(current_user.organisation_id)
    )


@school_bp.route("/runs/new", methods=["GET", "POST"])
def run_new():
    offers = school_records.offers_of_school(current_user.organisation_id, published_only=True)
    form = TrainingRunForm(offers=offers)
    if request.method == "GET" and request.args.get("offer_id"):
        form.offer_id.data = checks.whole_number(request.args.get("offer_id"))
    if form.validate_on_submit():
        run = attempt(lambda: services.create_run(current_user, form.values()), form)
        if run is not REFUSED:
            flash(_("The training run has been created."), "success")
            return redirect(url_for(".run_detail", run_id=run.id))
    return render_template("training/run_form.html", form=form, offers=offers), form_status()


def _run_detail(run_id: int, attendance_form=None, status: int = 200):
    run = attempt(lambda: services.own_run(current_user, run_id))
    return render_template(
        "training/school_run.html",
        run=run,
        trainees=services.trainees_of_run(current_user, run_id),
        attendance_form=attendance_form
        or AttendanceForm(session_on=min(checks.district_today(), run.ends_on)),
        completion_form=CompletionForm(),
        action_form=ActionForm(),
    ), status


@school_bp.get("/runs/<int:run_id>")
def run_detail(run_id: int):
    return _run_detail(run_id)


@school_bp.post("/runs/<int:run_id>/trainees/<int:trainee_id>/<any(confirm, refuse, withdraw, erase):step>")
def trainee_step(run_id: int, trainee_id: int, step: str):
    if ActionForm().validate_on_submit():
        action = {
            "confirm": services.confirm,
            "refuse": services.refuse,
            "withdraw": services.withdraw,
            "erase": services.erase_trainee,
        }[step]
        if attempt(lambda: action(current_user, run_id, trainee_id)) is not REFUSED:
            flash(
                {
                    "confirm": _("The place has been confirmed."),
                    "refuse": _("The sign-up has been refused."),
                    "withdraw": _("The trainee has withdrawn; the place is free."),
                    "erase": _("The trainee's personal data has been deleted."),
                }[step],
                "success",
            )
    return redirect(url_for(".run_detail", run_id=run_id))


@school_bp.post("/runs/<int:run_id>/trainees/<int:trainee_id>/complete")
def trainee_complete(run_id: int, trainee_id: int):
    form = CompletionForm()
    if form.validate_on_submit():
        done = attempt(
            lambda: services.complete(
                current_user, run_id, trainee_id, form.certificate_kind.data, form.certificate_name.data or ""
            )
        )
        if done is not REFUSED:
            flash(_("The completion has been recorded."), "success")
    return redirect(url_for(".run_detail", run_id=run_id))


@school_bp.post("/runs/<int:run_id>/attendance")
def attendance(run_id: int):
    form = AttendanceForm()
    if form.validate_on_submit():
        ids = [n for n in map(checks.whole_number, request.form.getlist("trainee_ids")) if n]
        n = attempt(
            lambda: services.record_attendance(
                current_user, run_id, form.session_on.data, form.hours.data, ids
            ),
            form,
        )
        if n is not REFUSED:
            flash(_("Attendance recorded for %(n)d trainees.", n=n), "success")
            return redirect(url_for(".run_detail", run_id=run_id))
    return _run_detail(run_id, form, 400)


@school_bp.post("/runs/<int:run_id>/<any(closed, open, finished, cancelled):to>")
def run_step(run_id: int, to: str):
    if (
        ActionForm().validate_on_submit()
        and attempt(lambda: services.set_run_status(current_user, run_id, to)) is not REFUSED
    ):
        flash(_("The run has been updated."), "success")
    return redirect(url_for(".run_detail", run_id=run_id))


# --- enterprise --------------------------------------------------------------------


@enterprise_bp.get("/")
def staff():
    return render_template(
        "training/enterprise_staff.html",
        trainees=services.staff_trainees(current_user),
        runs=services.open_runs(services.RunQuery(group=TraineeGroup.ENTERPRISE_STAFF.value)),
        requests=proposals.staff_training_requests(current_user),
    )


@enterprise_bp.get("/requests/<int:posting_id>")
def request_proposals(posting_id: int):
    posting = attempt(lambda: proposals.training_request(current_user, posting_id))
    return render_template(
        "training/proposals.html",
        posting=posting,
        proposals=proposals.proposals_for(current_user, posting_id),
        today=checks.district_today(),
    )


@enterprise_bp.post("/requests/<int:posting_id>/offers/<int:offer_id>/accept")
def accept_proposal(posting_id: int, offer_id: int):
    form = AcceptProposalForm()
    if form.validate_on_submit():
        run = attempt(lambda: proposals.accept(current_user, posting_id, offer_id, form.starts_on.data))
        if run is not REFUSED:
            flash(_("A run of this course has been set up for your staff; enrol them below."), "success")
            return redirect(url_for(".enrol", run_id=run.id))
    else:
        flash(_("Enter a date."), "error")
    return redirect(url_for(".request_proposals", posting_id=posting_id))


@enterprise_bp.route("/runs/<int:run_id>/enrol", methods=["GET", "POST"])
def enrol(run_id: int):
    run = attempt(lambda: services.public_run(run_id))
    form = ImportForm()
    errors = []
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read()
        # Not `attempt`: a refused sheet shows every problem of every row, not one message.
        try:
            n = enrolment.enrol_from_sheet(current_user, run_id, data, upload.filename)
            db.session.commit()
        except ImportRefused as exc:
            db.session.rollback()
            errors = exc.errors
            form.file.errors = [str(exc.message)]
        except ServiceError as exc:
            db.session.rollback()
            if exc.status_code == 404:
                abort(404)
            form.file.errors = [str(exc.message)]
        else:
            flash(_("%(n)d staff enrolled; the school confirms their places.", n=n), "success")
            return redirect(url_for(".staff"))
    return render_template("training/enrol.html", run=run, form=form, errors=errors), (
        400 if request.method == "POST" else 200
    )


@enterprise_bp.get("/enrolment-template.<any(xlsx, csv):ext>")
def enrol_template(ext: str):
    return download(enrolment.template(ext), f"enrolment.{ext}", private=False)


# --- shared training bases ---------------------------------------------------------


@bases_bp.get("/")
def base_list():
    own, others = bases.bases_for(current_user)
    return render_template(
        "training/bases.html", own=own, others=others, bookings=bases.our_bookings(current_user)
    )


@bases_bp.route("/new", methods=["GET", "POST"])
def base_new():
    form = TrainingBaseForm(organisations=bases.partner_choices(current_user))
    if form.validate_on_submit():
        base = attempt(lambda: bases.create_base(current_user, form.values()), form)
        if base is not REFUSED:
            flash(_("The training base has been listed."), "success")
            return redirect(url_for(".base_detail", base_id=base.id))
    return render_template("training/base_form.html", form=form), form_status()


def _monday(raw: str | None) -> date:
    try:
        day = date.fromisoformat(raw) if raw else checks.district_today()
    except ValueError:
        day = checks.district_today()
    return day - timedelta(days=day.weekday())


@bases_bp.route("/<int:base_id>", methods=["GET", "POST"])
def base_detail(base_id: int):
    base = attempt(lambda: bases.visible_base(current_user, base_id))
    form = BookingForm()
    if form.validate_on_submit():
        booking = attempt(
            lambda: bases.book(
                current_user, base_id, form.day.data, form.period.data, form.purpose.data or ""
            ),
            form,
        )
        if booking is not REFUSED:
            flash(_("Your booking has been requested; the owner confirms it."), "success")
            return redirect(url_for(".base_detail", base_id=base_id, week=booking.day.isoformat()))
    monday = _monday(request.args.get("week") or (form.day.data.isoformat() if form.day.data else None))
    days = [monday + timedelta(days=i) for i in range(7)]
    return render_template(
        "training/base.html",
        base=base,
        form=form,
        days=days,
        periods=list(SlotPeriod),
        week=bases.week_of(base, monday),
        monday=monday,
        prev_week=(monday - timedelta(days=7)).isoformat(),
        next_week=(monday + timedelta(days=7)).isoformat(),
        is_owner=base.owner_id == current_user.organisation_id,
        may_book=bases.may_book(current_user, base),
        bookings=bases.bookings_of(base) if base.owner_id == current_user.organisation_id else [],
        action_form=ActionForm(),
    ), form_status()


@bases_bp.post("/bookings/<int:booking_id>/<any(confirmed, refused, cancelled):to>")
def booking_step(booking_id: int, to: str):
    booking = attempt(lambda: bases._booking(current_user, booking_id))
    base_id = booking.base_id
    if (
        ActionForm().validate_on_submit()
        and attempt(lambda: bases.decide(current_user, booking_id, to)) is not REFUSED
    ):
        flash(_("The booking has been updated."), "success")
    return redirect(url_for(".base_detail", base_id=base_id, week=request.form.get("week", "")))


# --- administrators: community education centres ---------------------------------------


@admin_bp.route("/centres", methods=["GET", "POST"])
def centres():
    form = CentreForm()
    if form.validate_on_submit():
        centre_id = checks.whole_number(request.form.get("centre_id"))
        saved = attempt(
            lambda: services.save_centre(
                current_user, centre_id, form.name.data, form.town.data, form.address.data, form.contact.data
            ),
            form,
        )
        if saved is not REFUSED:
            flash(_("The community education centre has been saved."), "success")
            return redirect(url_for(".centres"))
    editing = None
    if request.args.get("edit"):
        editing = db.session.get(CommunityCentre, checks.whole_number(request.args.get("edit")) or 0)
        if editing is not None and request.method == "GET":
            form = CentreForm(obj=editing)
    return render_template(
        "training/centres.html", form=form, centres=services.all_centres(), editing=editing
    ), form_status()
