"""Administrators' dashboard against the plan's targets, the inputs it needs, snapshots and the yearly report.

Routes join the `admin` blueprint, so its role guard applies to them all.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.exchanges import services as exchanges
from portal.internships import outcomes as internship_outcomes
from portal.planning import alignment, double_qualified
from portal.platform.checks import district_today, page_number, search_text
from portal.platform.forms import ActionForm
from portal.platform.routing import Routes
from portal.platform.web import REFUSED, attempt, download, form_status, one_pass
from portal.rules import services as rule_settings
from portal.rules.part_time import SOURCE as PART_TIME_SOURCE
from portal.rules.settings import PLAN_TARGET_YEAR
from portal.statistics import report as statistics_report
from portal.statistics import services as statistics
from portal.statistics.forms import InputForm

routes = Routes("admin")


# A district has about a dozen schools, a city or a province hundreds: the dashboard shows the
# schools that say most and links to pages of all of them, so its size does not grow with theirs.
DASHBOARD_SCHOOLS = 15
SCHOOLS_PER_PAGE = 50


def _trend_context(figures):
    periods, rows = statistics.trend(figures)
    earlier, later = statistics.comparison_periods(periods, request.args.get("from"), request.args.get("to"))
    keys = [r.key for r in rows]
    chosen = request.args.get("figure")
    chosen = chosen if chosen in keys else keys[0]
    chosen_row = next(r for r in rows if r.key == chosen)
    return {
        "periods": periods,
        "trend_rows": rows,
        "earlier": earlier,
        "later": later,
        "chosen": chosen_row,
        "current_period": statistics.current_period(),
    }


@routes.get("/dashboard")
def dashboard():
    figures = statistics.district_figures()
    tables = statistics.breakdowns()
    dq_rows = double_qualified.district_rows()
    return render_template(
        "statistics/admin/dashboard.html",
        figures=figures,
        schools=tables.schools.leading("full_time_teachers", DASHBOARD_SCHOOLS),
        school_count=len(tables.schools.rows),
        industries=tables.industries,
        towns=tables.towns,
        outcomes=internship_outcomes.outcomes(),
        alignment=alignment.report(),
        dq_rows=statistics.leading(dq_rows, "needed", DASHBOARD_SCHOOLS),
        dq_count=len(dq_rows),
        dq_target=double_qualified.TARGET_PERCENT,
        quota_rows=_quota_rows(),
        rule_source=PART_TIME_SOURCE,
        action_form=ActionForm(),
        today=district_today(),
        target_year=rule_settings.value(PLAN_TARGET_YEAR),
        **_trend_context(figures),
    )


def _school_search() -> tuple[str, int]:
    return search_text(request.args.get("q")), page_number(request.args.get("page"))


def _quota_rows() -> list[dict]:
    """Schools over or near the part-time limit first, then by name; at most DASHBOARD_SCHOOLS."""
    order = {"over": 0, "near": 1, "within": 2, "unknown": 3}
    rows = sorted(exchanges.district_quota_rows(), key=lambda r: (order[r["share"].level], r["school"]))
    return rows[:DASHBOARD_SCHOOLS]


@routes.get("/dashboard/schools")
def dashboard_schools():
    """Every verified school's row of the dashboard's "By school" table, by name, a page at a time."""
    q, page = _school_search()
    table = statistics.school_breakdown().matching(q)
    return render_template(
        "statistics/admin/dashboard_schools.html",
        q=q,
        table=table,
        results=statistics.page_of(table.rows, page, SCHOOLS_PER_PAGE),
    )


@routes.get("/dashboard/double-qualified")
def dashboard_double_qualified():
    """Every secondary vocational school's row of the 双师型 table, by name, a page at a time."""
    q, page = _school_search()
    rows = statistics.matching(double_qualified.district_rows(), "school", q)
    return render_template(
        "statistics/admin/dashboard_schools.html",
        q=q,
        results=statistics.page_of(rows, page, SCHOOLS_PER_PAGE),
        dq_target=double_qualified.TARGET_PERCENT,
    )


@routes.post("/dashboard/snapshot")
def take_snapshot():
    # CSRFProtect has checked the token before this view runs.
    taken = attempt(lambda: statistics.take_snapshot(current_user))
    if taken is not REFUSED:
        flash(_("The figures of %(period)s are stored.", period=statistics.current_period()), "success")
    return redirect(url_for("admin.dashboard", _anchor="trend"))


@routes.route("/dashboard/inputs", methods=["GET", "POST"])
def statistics_inputs():
    form = InputForm()
    form.key.choices = [(key, str(spec.label)) for key, spec in statistics.INPUTS.items()]
    if request.method == "GET":
        form.year.data = form.year.data or district_today().year
    entry = one_pass(
        form,
        lambda: statistics.enter_input(
            current_user, form.key.data, form.year.data, form.value.data, form.source.data or ""
        ),
    )
    if entry is not REFUSED:
        flash(_("The figure is recorded with its source."), "success")
        return redirect(url_for("admin.statistics_inputs"))
    return render_template(
        "statistics/admin/statistics_inputs.html",
        form=form,
        inputs=statistics.INPUTS,
        current=statistics.current_inputs(),
        history=statistics.input_history(),
        year=district_today().year,
    ), form_status()


@routes.get("/dashboard/report")
def yearly_report():
    history = statistics.input_history()
    # The report lists the inputs anyway: when that list is all of them, the figures use it too.
    figures = statistics.district_figures(
        entries=history if len(history) < statistics.HISTORY_LIMIT else None
    )
    tables = statistics.breakdowns()
    periods, rows = statistics.trend(figures)
    return render_template(
        "statistics/admin/report.html",
        figures=figures,
        schools=tables.schools,
        industries=tables.industries,
        towns=tables.towns,
        periods=periods,
        trend_rows=rows,
        history=history,
        inputs_labels={key: spec.label for key, spec in statistics.INPUTS.items()},
        outcomes=internship_outcomes.outcomes(),
        alignment=alignment.report(),
        dq_rows=double_qualified.district_rows(),
        dq_target=double_qualified.TARGET_PERCENT,
        today=district_today(),
    )


@routes.get("/dashboard/report.xlsx")
def yearly_report_xlsx():
    data = statistics_report.yearly_report_workbook()
    name = f"statistics-report-{district_today().isoformat()}.xlsx"
    return download(data, name)
