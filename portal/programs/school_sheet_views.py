"""School staff: spreadsheet import and export of majors and teachers."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from portal.platform import jobs, spreadsheets
from portal.platform.forms import ImportForm
from portal.platform.i18n import current_locale
from portal.platform.routing import Routes
from portal.platform.web import REFUSED, attempt, download, refusal_status
from portal.programs import sheets as school_sheets

routes = Routes("school")

KINDS = {"majors": "school.major_list", "teachers": "school.teacher_list"}


def _kind_or_404(kind: str) -> str:
    if kind not in KINDS:
        abort(404)
    return kind


def _page(kind: str, form: ImportForm, *, errors=(), message: str | None = None, status: int = 200):
    return render_template(
        "programs/school/import.html",
        kind=kind,
        spec=school_sheets.SPECS[kind],
        form=form,
        errors=errors,
        message=message,
        back=KINDS[kind],
        max_rows=spreadsheets.MAX_ROWS,
    ), status


@routes.route("/import/<kind>", methods=["GET", "POST"])
def import_sheet(kind: str):
    kind = _kind_or_404(kind)
    form = ImportForm()
    if not form.validate_on_submit():
        return _page(kind, form, status=400 if request.method == "POST" else 200)
    upload = form.file.data
    # The file name only says which format the user claims; it is never a path.
    data = upload.read(spreadsheets.MAX_BYTES + 1)
    job = attempt(
        lambda: jobs.submit_import(
            current_user,
            kind,
            data,
            upload.filename,
            back=url_for(KINDS[kind]),
            again=url_for("school.import_sheet", kind=kind),
            locale=current_locale(),
        ),
        form,
    )
    if job is REFUSED:  # refused before reading a row: in the summary at the top and beside the field
        return _page(kind, form, message=form.file.errors[-1], status=refusal_status())
    return redirect(url_for("auth.job_detail", job_id=job.id))


@routes.errorhandler(RequestEntityTooLarge)
def upload_too_large(_exc):
    # The body was refused; forms built while rendering (e.g. the logout button's) must
    # see it as empty instead of raising 413 again.
    request.__dict__.update(form=ImmutableMultiDict(), files=ImmutableMultiDict())
    kind = (request.view_args or {}).get("kind")
    message = _(
        "The file is larger than %(mb)d MB. Split it into smaller files.",
        mb=spreadsheets.MAX_BYTES // (1024 * 1024),
    )
    if kind in KINDS and request.endpoint == "school.import_sheet":
        return _page(kind, ImportForm(formdata=None), message=message, status=413)
    return render_template("errors/error.html", status=413, title=_("File too large"), message=message), 413


# One view per format: every GET route then builds from its kind alone.
def _download(data: bytes, fmt: str, name: str):
    return download(data, f"{name}.{fmt}")


@routes.get("/import/<kind>/template.xlsx")
def import_template_xlsx(kind: str):
    return _download(school_sheets.template(_kind_or_404(kind), "xlsx"), "xlsx", f"{kind}-template")


@routes.get("/import/<kind>/template.csv")
def import_template_csv(kind: str):
    return _download(school_sheets.template(_kind_or_404(kind), "csv"), "csv", f"{kind}-template")


@routes.get("/export/<kind>.xlsx")
def export_xlsx(kind: str):
    return _download(
        school_sheets.export(_kind_or_404(kind), current_user.organisation_id, "xlsx"), "xlsx", kind
    )


@routes.get("/export/<kind>.csv")
def export_csv(kind: str):
    return _download(
        school_sheets.export(_kind_or_404(kind), current_user.organisation_id, "csv"), "csv", kind
    )
