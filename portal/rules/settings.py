"""Rule values administrators keep: what no source we could confirm fixes, or what a source
leaves to the district. Each has a default, the note that says why, and bounds; the stored
values live in `RuleSetting` rows (portal.rules.services reads and writes them)."""

from __future__ import annotations

from dataclasses import dataclass

from portal.platform.i18n import lazy_gettext as _l


@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: object
    default: int
    minimum: int
    maximum: int
    note: object  # the default's reason: why this is a setting and where its value comes from
    unit: object = ""
    yes_no: bool = False  # 1/0 shown as yes/no


PILOT_ENTERPRISE_NOTICE_DAYS = SettingSpec(
    key="pilot_enterprise_notice_days",
    label=_l("Public notice of a recommended industry–education integration enterprise"),
    default=7,
    minimum=1,
    maximum=60,
    unit=_l("calendar days"),
    note=_l(
        "《建设产教融合型企业实施办法（试行）》(发改社会〔2019〕590号) leaves the confirmation to the "
        "provincial development-reform and education departments (Art. 4); no text we could confirm fixes "
        "the length of the district's public notice before it recommends an enterprise. 7 days is the "
        "district's choice, the same as for pilot partnerships."
    ),
)

PART_TIME_NEAR_PERCENT = SettingSpec(
    key="part_time_near_percent",
    label=_l("Warn a school when its part-time posts reach this share of what the 20% quota allows"),
    default=90,
    minimum=1,
    maximum=100,
    unit="%",
    note=_l(
        "The plan (莱芜政发〔2020〕5号, item 5) lets a school use up to 20% of its staffing quota for "
        "part-time teachers; when to warn before the limit is the district's choice, not the plan's."
    ),
)

ORDER_CLASS_FREE_CHOICE = SettingSpec(
    key="order_class_free_choice",
    label=_l("An order or named class must leave students free to choose an employer at the end"),
    default=1,
    minimum=0,
    maximum=1,
    yes_no=True,
    note=_l(
        "We could not confirm a national text that requires this clause of an order class; the issue "
        "asks for it. Until a source is found it is the district's rule, set here."
    ),
)

PLAN_BASE_YEAR = SettingSpec(  # issue 29
    key="plan_base_year",
    label=_l("The plan's base year: majors and groups added since count as new"),
    default=2020,
    minimum=2000,
    maximum=2100,
    note=_l(
        "The plan (莱芜政发〔2020〕5号) was issued in 2020 and sets targets for 2022 "
        "(新增1个现代学徒制专业); it names no date from which a major counts as new, so the year it was "
        "issued is the default."
    ),
)

ALIGNMENT_MIN_POSTINGS = SettingSpec(
    key="alignment_min_postings",
    label=_l("Postings a major group needs before an intake change is suggested"),
    default=2,
    minimum=1,
    maximum=1000,
    unit=_l("postings"),
    note=_l(
        "Postings on the platform are only part of the district's demand; with fewer than this many "
        "the school is told there is too little data instead of a verdict. The number is the "
        "district's choice; no text fixes it."
    ),
)

ALIGNMENT_MAX_CHANGE_PERCENT = SettingSpec(
    key="alignment_max_change_percent",
    label=_l("Largest change to a major's intake suggested for one year"),
    default=20,
    minimum=1,
    maximum=100,
    unit="%",
    note=_l(
        "One year's postings never suggest closing a major: a suggestion moves the intake by at most "
        "this share of it. The plan (莱芜政发〔2020〕5号, item 9) asks for warning and adjustment, not a "
        "size; the share is the district's choice."
    ),
)

ALIGNMENT_INTAKE_MONTH = SettingSpec(
    key="alignment_intake_month",
    label=_l("Month from which supply and demand are those of next year's intake"),
    default=9,
    minimum=1,
    maximum=12,
    note=_l(
        "Vocational schools enrol in the autumn: from this month on, the planned intake is next year's, "
        "and a posting published without a start date wants people for next year's intake. The month is "
        "the district's choice; no text fixes it."
    ),
)

PLAN_TARGET_YEAR = SettingSpec(
    key="plan_target_year",
    label=_l("Year the dashboard's targets are for"),
    default=2022,
    minimum=2020,
    maximum=2035,
    note=_l(
        "莱芜政发〔2020〕5号 sets its targets (230 full-time teachers, 70 % double-qualified, "
        "3,000 students, 40 % of the upper-secondary intake) for 2022 (二、工作目标). When a later plan "
        "keeps or renews them, an administrator sets its year here; until then the dashboard says the "
        "plan's horizon has passed."
    ),
)

ALL = (
    PLAN_BASE_YEAR,
    PLAN_TARGET_YEAR,
    PILOT_ENTERPRISE_NOTICE_DAYS,
    PART_TIME_NEAR_PERCENT,
    ORDER_CLASS_FREE_CHOICE,
    ALIGNMENT_MIN_POSTINGS,
    ALIGNMENT_MAX_CHANGE_PERCENT,
    ALIGNMENT_INTAKE_MONTH,
)
BY_KEY = {spec.key: spec for spec in ALL}
