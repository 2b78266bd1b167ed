"""The yearly report and the public statistics as spreadsheets (.xlsx with one sheet per topic, .csv).

Built from `portal.statistics`; labels are written in the language of
the request that asks (Chinese or English); `portal.platform.workbooks` writes them.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import format_datetime
from flask_babel import gettext as _

from portal.internships import outcomes as internship_outcomes
from portal.partnerships.cooperation_models import CooperationKind
from portal.planning import alignment, double_qualified
from portal.planning import sheets as planning_sheets
from portal.platform.checks import district_today
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.workbooks import Sheet, write_csv, write_workbook
from portal.statistics import services as statistics
from portal.statistics.services import PERCENT, Breakdown
from portal.training import figures as training_figures

# --- sheets -----------------------------------------------------------------------


def _value(value, unit: str):
    if value is None:
        return None
    return round(value, 1) if unit == PERCENT else int(value)


def targets_sheet(figures: Iterable[statistics.Figure]) -> Sheet:
    rows = []
    for f in figures:
        target = f.target_note or (None if f.target is None else _value(f.target, f.unit))
        rows.append(
            [
                str(f.label),
                _value(f.value, f.unit),
                target if target is not None else "",
                _("percent") if f.unit == PERCENT else _("count"),
                "" if f.progress is None else round(f.progress * 100, 1),
                f.detail,
                str(f.explanation),
            ]
        )
    return Sheet(
        _("Targets"),
        [
            _("Figure"),
            _("Value"),
            _("2022 target"),
            _("Unit"),
            _("Progress (% of target)"),
            _("Detail"),
            _("What it counts"),
        ],
        rows,
    )


def breakdown_sheet(title: str, table: Breakdown) -> Sheet:
    keys = [k for k, _label in table.columns]
    rows = [[row.get(k) for k in keys] for row in table.rows]
    if table.rows:
        rows.append([_("Total") if i == 0 else table.totals.get(k, "") for i, k in enumerate(keys)])
    return Sheet(title, [str(label) for _k, label in table.columns], rows)


def trend_sheet(figures: list[statistics.Figure]) -> Sheet:
    periods, rows = statistics.trend(figures)
    return Sheet(
        _("Trend"),
        [_("Figure"), *periods],
        [[str(r.label), *(_value(r.values.get(p), r.unit) for p in periods)] for r in rows],
    )


def inputs_sheet() -> Sheet:
    rows = []
    for entry in statistics.input_history():
        spec = statistics.INPUTS.get(entry.key)
        rows.append(
            [
                str(spec.label) if spec else entry.key,
                entry.year,
                entry.value,
                entry.source,
                entry.entered_by_email or "",
                format_datetime(entry.entered_at, "yyyy-MM-dd HH:mm"),
                _("Demo") if entry.is_demo else "",
            ]
        )
    return Sheet(
        _("Inputs"),
        [_("Input"), _("Year"), _("Value"), _("Source"), _("Entered by"), _("Entered at"), _("Note")],
        rows,
    )


def outcomes_sheet(outcomes) -> Sheet:
    """Internship outcomes by cooperation, school, major and industry (aggregates only)."""
    header = [
        _("Group"),
        _("Name"),
        _("Applications"),
        _("Placed"),
        _("Placement rate"),
        _("Hired by the host enterprise"),
        _("留莱率 (staying in Laiwu)"),
    ]
    rows = []
    for group, items in (
        (_("District"), [outcomes.district]),
        (_("Cooperation"), outcomes.cooperations),
        (_("School"), outcomes.schools),
        (_("Major"), outcomes.majors),
        (_("Industry"), outcomes.industries),
    ):
        for o in items:
            rows.append(
                [
                    group,
                    o.name or group,
                    o.applied,
                    o.placed,
                    _value(o.placement_rate, PERCENT),
                    _value(o.hired_by_partner_rate, PERCENT),
                    _value(o.stay_rate, PERCENT),
                ]
            )
    return Sheet(_("Internship outcomes"), header, rows)


def yearly_report_workbook() -> bytes:
    figures = statistics.district_figures()
    tables = statistics.breakdowns()
    return write_workbook(
        [
            targets_sheet(figures),
            breakdown_sheet(_("By school"), tables.schools),
            breakdown_sheet(_("By industry"), tables.industries),
            breakdown_sheet(_("By town"), tables.towns),
            trend_sheet(figures),
            inputs_sheet(),
            outcomes_sheet(internship_outcomes.outcomes()),
            *planning_sheets.alignment_sheets(alignment.report()),
            double_qualified_sheet(double_qualified.district_rows()),
            Sheet(*training_figures.report_table(district_today().year)),  # issue 28: 育训
        ]
    )


def double_qualified_sheet(rows: list[dict]) -> Sheet:
    """The 双师型 road per school, as the dashboard shows it."""
    header = [
        _("School"),
        _("Full-time teachers"),
        _("Double-qualified"),
        _("Share of full-time teachers (%)"),
        _("Subject teachers"),
        _("Share of subject teachers (%)"),
        _("Target (%)"),
        _("More needed"),
        _("Subject teachers short of practice"),
    ]
    keys = (
        "school",
        "full_time",
        "double_qualified",
        "share",
        "subject_teachers",
        "subject_share",
        "target",
        "needed",
        "short_of_practice",
    )
    return Sheet(_("Double-qualified teachers"), header, [[r[k] for k in keys] for r in rows])


# --- public statistics --------------------------------------------------------------

PUBLIC_TITLES = {
    "industries": _l("Cooperations by industry"),
    "named_classes": _l("Named classes"),
    "pilots": _l("Pilot partnerships"),
}


def public_sheet(table: str, rows: list[dict]) -> Sheet:
    if table == "industries":
        kinds = list(CooperationKind.labels())
        return Sheet(
            str(PUBLIC_TITLES[table]),
            [
                _("Industry"),
                _("Active cooperations"),
                *(str(CooperationKind.labels()[k]) for k in kinds),
                _("Seats and places"),
            ],
            [[r["industry"], r["cooperations"], *(r[f"kind_{k}"] for k in kinds), r["seats"]] for r in rows],
        )
    if table == "named_classes":
        return Sheet(
            str(PUBLIC_TITLES[table]),
            [_("Class"), _("School"), _("Enterprise"), _("Seats"), _("Since")],
            [[r["name"], r["school"], r["enterprise"], r["seats"], r["since"]] for r in rows],
        )
    return Sheet(
        str(PUBLIC_TITLES[table]),
        [_("Pilot"), _("School"), _("Enterprise"), _("Status"), _("Approved on")],
        [[r["name"], r["school"], r["enterprise"], r["state"], r["approved_on"]] for r in rows],
    )


def public_workbook() -> bytes:
    tables = statistics.public_tables()
    return write_workbook([public_sheet(name, tables[name]) for name in statistics.PUBLIC_TABLES])


def public_csv(table: str) -> bytes:
    return write_csv(public_sheet(table, statistics.public_tables()[table]))
