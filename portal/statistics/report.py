"""The yearly report and the public statistics as spreadsheets (.xlsx with one sheet per topic, .csv).

Built from `portal.statistics`; labels are written in the language of
the request that asks (Chinese or English). Text cells are always stored as
text, never as formulas (a cell like "=1+1" stays text in Excel).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import format_datetime
from flask_babel import gettext as _

from portal.internships import outcomes as internship_outcomes
from portal.partnerships.cooperation_models import COOPERATION_KIND_LABELS
from portal.planning import alignment, double_qualified
from portal.platform.checks import district_today
from portal.platform.i18n import current_locale
from portal.platform.i18n import lazy_gettext as _l
from portal.postings.models import HEADCOUNT_LABELS
from portal.programs import catalogue
from portal.statistics import services as statistics
from portal.statistics.services import PERCENT, Breakdown
from portal.training import figures as training_figures

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Sheet:
    title: str
    header: list[str]
    rows: list[list]


def _safe(value):
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return value
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_workbook(sheets: Sequence[Sheet]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import TYPE_STRING
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet_spec in sheets:
        sheet = workbook.create_sheet(sheet_spec.title[:31])
        sheet.append(sheet_spec.header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in sheet_spec.rows:
            sheet.append([_safe(v) for v in row])
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = TYPE_STRING
        for index in range(len(sheet_spec.header)):
            sheet.column_dimensions[sheet.cell(row=1, column=index + 1).column_letter].width = (
                22 if index else 34
            )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write_csv(sheet: Sheet) -> bytes:
    """UTF-8 with a BOM, so Excel in China opens it without garbling the Chinese."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(sheet.header)
    for row in sheet.rows:
        writer.writerow([_safe(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


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
            *alignment_sheets(alignment.report()),
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


def alignment_sheet(
    title: str, lines, figures, *, group_label: str = "", towns: bool = False, codes: bool = False
) -> Sheet:
    """Demand against supply, one line per major group, major, town or plan target (aggregates only)."""
    kinds = alignment.DEMAND_KINDS
    locale = current_locale()

    with_group = bool(group_label)
    header = [
        _("Name"),
        *([_("Catalogue code"), _("Major class")] if codes else []),
        *([group_label] if with_group else []),
        _("Demand %(year)s", year=figures.year),
        *(str(HEADCOUNT_LABELS[k]) for k in kinds),
        _("Postings"),
        _("Planned intake"),
        _("Enrolment"),
        _("Gap (demand − intake)"),
        _("Ratio (demand / intake)"),
        _("Warning"),
        *([_("Left to the district pool"), _("Share of the pool's demand")] if towns else []),
        *(_("Demand %(year)s", year=y) for y in figures.years),
        *(_("Planned intake %(year)s", year=y) for y in figures.years),
    ]
    rows = [
        [
            str(ln.label),  # in the export's language, the level beside a group's, town's or industry's
            *(
                [
                    catalogue.codes_of(str(ln.key)),
                    catalogue.group_label(catalogue.class_of(str(ln.key)), locale),
                ]
                if codes
                else []
            ),
            *([catalogue.group_label(ln.group, locale)] if with_group else []),
            ln.demand,
            # The pool's demand is the towns' left-over, not told apart by kind.
            *((None if ln.district_wide else ln.by_kind.get(k, 0)) for k in kinds),
            ln.postings,
            ln.intake,
            ln.enrolment,
            ln.gap,
            ln.ratio,
            str(ln.level.label) if ln.level else "",
            *([None if ln.district_wide else ln.left_to_pool, ln.pool_share] if towns else []),
            *(ln.trend.get(y, 0) for y in figures.years),
            *(ln.supply_trend.get(y) for y in figures.years),  # empty where no year's supply was stored
        ]
        for ln in lines
    ]
    return Sheet(title, header, rows)


def alignment_sheets(figures) -> list[Sheet]:
    return [
        alignment_sheet(_("Demand and intake by group"), figures.groups, figures),
        alignment_sheet(
            _("Demand and intake by major"),
            figures.majors,
            figures,
            group_label=_("Major group"),
            codes=True,
        ),
        alignment_sheet(
            _("New majors the plan names"), figures.targets, figures, group_label=_("Catalogue majors")
        ),
        alignment_sheet(
            _("Demand and intake by town"), [*figures.pools, *figures.towns], figures, towns=True
        ),
        alignment_sheet(_("Demand and intake by industry"), figures.industries, figures),
    ]


def alignment_workbook() -> bytes:
    return write_workbook(alignment_sheets(alignment.report()))


def catalogue_sheet(entries: Iterable[catalogue.CatalogueEntry]) -> Sheet:
    """The national catalogue as the annex lists it, with the old names that lead to each major (in
    English, the level, 大类 and 类 in the platform's English; the majors keep their Chinese names)."""
    locale = current_locale()
    return Sheet(
        _("Major catalogue 2021"),
        [
            _("Level"),
            _("Catalogue code"),
            _("Major"),
            _("Major group"),
            _("Major class"),
            _("Old names"),
        ],
        [
            [
                catalogue.level_label(e.level, locale),
                e.code,
                e.name,
                f"{e.category_code} {catalogue.group_label(e.category, locale)}",
                f"{e.class_code} {catalogue.group_label(e.class_name, locale)}",
                "、".join(a.old_name for a in catalogue.aliases_of(e)),
            ]
            for e in entries
        ],
    )


# --- public statistics --------------------------------------------------------------

PUBLIC_TITLES = {
    "industries": _l("Cooperations by industry"),
    "named_classes": _l("Named classes"),
    "pilots": _l("Pilot partnerships"),
}


def public_sheet(table: str, rows: list[dict]) -> Sheet:
    if table == "industries":
        kinds = list(COOPERATION_KIND_LABELS)
        return Sheet(
            str(PUBLIC_TITLES[table]),
            [
                _("Industry"),
                _("Active cooperations"),
                *(str(COOPERATION_KIND_LABELS[k]) for k in kinds),
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
