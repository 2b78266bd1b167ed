"""Enterprise HR: spreadsheet import and export of the enterprise's own demand postings.

Routes join the `enterprise` blueprint, so its role guard applies to them all.
Imported rows become drafts of the HR user's own enterprise.
"""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from portal.platform import jobs, spreadsheets
from portal.platform.forms import ImportForm
from portal.platform.i18n import current_locale
from portal.platform.routing import Routes
from portal.platform.web import REFUSED, attempt, download, refusal_status
from portal.postings import sheets as posting_sheets

routes = Routes("enterprise")


def _page(form: ImportForm, *, errors=(), message: str | None = None, status: int = 200):
    return render_template(
        "postings/enterprise/postings_import.html",
        spec=posting_sheets.POSTINGS,
        notes=posting_sheets.column_notes(),
        form=form,
        errors=errors,
        message=message,
        max_rows=spreadsheets.MAX_ROWS,
    ), status


@routes.route("/postings/import", methods=["GET", "POST"])
def posting_import():
    form = ImportForm()
    if not form.validate_on_submit():
        return _page(form, status=400 if request.method == "POST" else 200)
    upload = form.file.data
    # The file name only says which format the user claims; it is never a path.
    data = upload.read(spreadsheets.MAX_BYTES + 1)
    job = attempt(
        lambda: jobs.submit_import(
            current_user,
            "postings",
            data,
            upload.filename,
            back=url_for("enterprise.posting_list"),
            again=url_for("enterprise.posting_import"),
            locale=current_locale(),
        ),
        form,
    )
    if job is REFUSED:  # refused before reading a row: in the summary at the top and beside the field
        return _page(form, message=form.file.errors[-1], status=refusal_status())
    return redirect(url_for("auth.job_detail", job_id=job.id))


@routes.errorhandler(RequestEntityTooLarge)
def upload_too_large(_exc):
    # The body was refused; forms built while rendering must see it as empty instead of raising 413 again.
    request.__dict__.update(form=ImmutableMultiDict(), files=ImmutableMultiDict())
    message = _(
        "The file is larger than %(mb)d MB. Split it into smaller files.",
        mb=spreadsheets.MAX_BYTES // (1024 * 1024),
    )
    if request.endpoint == "enterprise.posting_import":
        return _page(ImportForm(formdata=None), message=message, status=413)
    return render_template("errors/error.html", status=413, title=_("File too large"), message=message), 413


def _download(data: bytes, fmt: str, name: str):
    return download(data, f"{name}.{fmt}")


@routes.get("/postings/import/template.xlsx")
def posting_template_xlsx():
    return _download(posting_sheets.template("xlsx"), "xlsx", "postings-template")


@routes.get("/postings/import/template.csv")
def posting_template_csv():
    return _download(posting_sheets.template("csv"), "csv", "postings-template")


@routes.get("/postings/export.xlsx")
def posting_export_xlsx():
    return _download(posting_sheets.export(current_user, "xlsx"), "xlsx", "postings")


@routes.get("/postings/export.csv")
def posting_export_csv():
    return _download(posting_sheets.export(current_user, "csv"), "csv", "postings")
