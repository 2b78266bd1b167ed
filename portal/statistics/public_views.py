"""Public statistics (/stats): what the district publishes, as a page and as .xlsx/.csv downloads.

Organisations and counts only; no person's name or contact appears here.
"""

from __future__ import annotations

from flask import render_template

from portal.internships import outcomes as internship_outcomes
from portal.partnerships.cooperation_models import CooperationKind
from portal.planning import alignment
from portal.planning import sheets as planning_sheets
from portal.platform.checks import district_today
from portal.platform.routing import Routes
from portal.platform.web import download
from portal.statistics import report as statistics_report
from portal.statistics import services as statistics

routes = Routes("public")


@routes.get("/stats")
def stats():
    tables = statistics.public_tables()
    return render_template(
        "statistics/public/stats.html",
        tables=tables,
        kinds=CooperationKind.labels(),
        titles=statistics_report.PUBLIC_TITLES,
        today=district_today(),
        named_class_seats=sum(r["seats"] for r in tables["named_classes"]),
        outcomes=internship_outcomes.outcomes(),
    )


@routes.get("/stats.xlsx")
def stats_xlsx():
    return download(
        statistics_report.public_workbook(),
        f"laiwu-statistics-{district_today().isoformat()}.xlsx",
        private=False,
    )


@routes.get("/stats/<any(industries, named_classes, pilots):table>.csv")
def stats_csv(table: str):
    return download(
        statistics_report.public_csv(table),
        f"laiwu-{table.replace('_', '-')}-{district_today().isoformat()}.csv",
        private=False,
    )


@routes.get("/stats/alignment")
def stats_alignment():
    # Aggregates by major group, major, town and plan target only: no posting or person is named.
    return render_template(
        "planning/public/alignment.html",
        figures=alignment.report(),
        today=district_today(),
        kinds=alignment.DEMAND_KINDS,
    )


@routes.get("/stats/alignment.xlsx")
def stats_alignment_xlsx():
    return download(
        planning_sheets.alignment_workbook(),
        f"laiwu-alignment-{district_today().isoformat()}.xlsx",
        private=False,
    )
