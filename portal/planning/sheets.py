"""The alignment figures as a workbook: demand against supply by group, major, plan target, town
and industry (aggregates only), for the administrators' page and the public statistics."""

from __future__ import annotations

from flask_babel import gettext as _

from portal.planning import alignment
from portal.platform.i18n import current_locale
from portal.platform.workbooks import Sheet, write_workbook
from portal.postings.models import HEADCOUNT_LABELS
from portal.programs import catalogue


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
