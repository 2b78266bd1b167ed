"""Where the district stands against its plan (莱芜政发〔2020〕5号, section 一（二） and item 9).

Every figure is one small function below, computed from the records at the time
it is asked for. The only numbers people type in are the inputs the records
cannot know (`INPUTS`: the district's total upper-secondary intake, designations
made by the province); each is entered with its year and source, and the
dashboard shows which entry a figure used.

Scope: the plan's teacher, enrolment and intake targets are about secondary
vocational education (中职), so those figures count the verified schools whose
kind is `secondary_vocational`. Breakdowns show every verified school.

Plain arguments in, objects out; writes only flush (the view or command commits).
The package holds one concern a module: `scopes` (what is counted), `figures` (the targets),
`breakdowns` (by school, industry and town), `inputs` (what administrators enter),
`snapshots` (monthly snapshots and the trend), `public` (what /stats publishes) and
`evidence` (one enterprise's record, for its pilot-enterprise application).
"""

from portal.pilots.evidence import EVIDENCE_LABELS, enterprise_evidence
from portal.statistics.breakdowns import (
    Breakdown,
    Breakdowns,
    breakdowns,
    leading,
    matching,
    page_of,
    school_breakdown,
)
from portal.statistics.figures import COUNT, FIGURES, PERCENT, Figure, district_figures, format_value
from portal.statistics.inputs import (
    HISTORY_LIMIT,
    INPUTS,
    InputSpec,
    current_inputs,
    enter_input,
    input_history,
    inputs_for,
)
from portal.statistics.public import PUBLIC_TABLES, cooperations_by_industry, public_tables
from portal.statistics.snapshots import TrendRow, comparison_periods, current_period, take_snapshot, trend

__all__ = [
    "COUNT",
    "EVIDENCE_LABELS",
    "FIGURES",
    "HISTORY_LIMIT",
    "INPUTS",
    "PERCENT",
    "PUBLIC_TABLES",
    "Breakdown",
    "Breakdowns",
    "Figure",
    "InputSpec",
    "TrendRow",
    "breakdowns",
    "leading",
    "matching",
    "page_of",
    "school_breakdown",
    "comparison_periods",
    "cooperations_by_industry",
    "current_inputs",
    "current_period",
    "district_figures",
    "enter_input",
    "enterprise_evidence",
    "format_value",
    "input_history",
    "inputs_for",
    "public_tables",
    "take_snapshot",
    "trend",
]
