"""Public statistics (/stats): what the district publishes, as a page and as .xlsx/.csv downloads.

Organisations and counts only; no person's name or contact appears here.
"""
from __future__ import annotations

import io

from flask import render_template, send_file

from portal import charts
from portal.models.cooperation import COOPERATION_KIND_LABELS
from portal.public.views import bp
from portal.services import statistics, statistics_report
from portal.services.postings import district_today
from portal.services.spreadsheets import CSV_MIMETYPE, XLSX_MIMETYPE


@bp.get("/stats")
def stats():
    tables = statistics.public_tables()
    return render_template(
        "public/stats.html",
        tables=tables,
        kinds=COOPERATION_KIND_LABELS,
        charts=charts,
        titles=statistics_report.PUBLIC_TITLES,
        today=district_today(),
        named_class_seats=sum(r["seats"] for r in tables["named_classes"]),
    )


@bp.get("/stats.xlsx")
def stats_xlsx():
    return send_file(
        io.BytesIO(statistics_report.public_workbook()), mimetype=XLSX_MIMETYPE, as_attachment=True,
        download_name=f"laiwu-statistics-{district_today().isoformat()}.xlsx",
    )


@bp.get("/stats/<any(industries, named_classes, pilots):table>.csv")
def stats_csv(table: str):
    return send_file(
        io.BytesIO(statistics_report.public_csv(table)), mimetype=CSV_MIMETYPE, as_attachment=True,
        download_name=f"laiwu-{table.replace('_', '-')}-{district_today().isoformat()}.csv",
    )
