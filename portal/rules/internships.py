"""岗位实习 rules of 《职业学校学生实习管理规定》(教职成〔2021〕4号) and the labour rules it points to.

Read in the 2021 text (article numbers confirmed against copies of the article itself):
  Art. 16 the basic rights: no 岗位实习 for (1) first-year students, (2) students under 16;
    (3) no work 《未成年工特殊保护规定》 forbids minors, (4) none 《女职工劳动保护特别规定》 forbids
    women; (5) no commercial entertainment venue (bars, nightclubs, KTV, bath centres, game halls,
    internet cafés); (6) no intermediary or paid agency; (7) no physical labour of class III or above.
  Art. 18 pay: in principle at least 80 % of the same post's wage, in money, at least monthly.
Read in reports of the 2021 text and in the 2016 text, the 2021 article number not confirmed here
(so the README marks it): working time and rest, no high-risk posts (height, underground,
radioactive, toxic, flammable or explosive), no public-holiday, overtime or night work ("Art. 17",
the number the issue read; 2016 Art. 16); no fee of any kind and no identity document kept ("Art. 19"
as the issue read it); the shares 10 % / 20 % (2016 Art. 9); 岗位实习 generally six months (2016
Art. 10); the written consent of student and guardian; the agreement on the 2021 model text
(示范文本); internship liability insurance never paid by the student.
Labour law (confirmed): 《劳动法》第36条 at most 8 hours a day and 44 a week, 第38条 at least one day
of rest a week; 《国务院关于职工工作时间的规定》第3条 the standard week of 40 hours (more is
overtime, which interns may not work).

Each check takes plain values and returns (field, message) pairs, every broken rule at once.
`RULE_VERSION` names this set of rules and of agreement clauses: a placement keeps the version it
was offered under, so a later change never rewrites its agreement.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from portal.platform.i18n import lazy_gettext as _l

RULE_VERSION = "2021-4/2026.1"
REGULATION = "《职业学校学生实习管理规定》(教职成〔2021〕4号)"
LABOUR_LAW = "《中华人民共和国劳动法》"
WORKING_TIME = "《国务院关于职工工作时间的规定》"

MIN_AGE = 16  # Art. 16(2)
ADULT_AGE = 18  # a minor is under 18: the guardian's consent, the minors' forbidden work
PAY_PERCENT = 80  # Art. 18
STAFF_SHARE = 10  # per cent of the enterprise's employees: 2016 Art. 9 (2021 number not confirmed)
POST_SHARE = 20  # per cent of the same post's employees: 2016 Art. 9 (2021 number not confirmed)
MAX_DAILY_HOURS = 8  # 劳动法 第36条
MAX_WEEKLY_HOURS = 40  # 国务院关于职工工作时间的规定 第3条 (劳动法 第36条: 44 at most)
MIN_REST_DAYS = 1  # 劳动法 第38条
USUAL_MONTHS = 6  # 岗位实习 generally six months: beyond it, a warning
SCHOOL_YEAR_STARTS = 9  # September: a student who entered in year Y is in the first year until Y+1-09-01


@dataclass(frozen=True)
class Rule:
    code: str
    text: object  # shown to everyone on the internship pages
    source: str
    article: str  # as cited to users; the README says which numbers are confirmed


RULES = (
    Rule("first_year", _l("No first-year student (Art. 16(1))"), REGULATION, "16(1)"),
    Rule("age", _l("No student under 16 (Art. 16(2))"), REGULATION, "16(2)"),
    Rule(
        "protected_work",
        _l("No work forbidden to minors or to women by labour law (Art. 16(3), 16(4))"),
        REGULATION,
        "16(3), 16(4)",
    ),
    Rule(
        "venue",
        _l("No bars, nightclubs, KTV, bath centres, game halls or internet cafés (Art. 16(5))"),
        REGULATION,
        "16(5)",
    ),
    Rule("agency", _l("No intermediary, labour-dispatch or paid agency (Art. 16(6))"), REGULATION, "16(6)"),
    Rule("intensity", _l("No physical labour of class III or above (Art. 16(7))"), REGULATION, "16(7)"),
    Rule(
        "high_risk",
        _l("No work at height, underground, radioactive, toxic, flammable or explosive (Art. 17)"),
        REGULATION,
        "17",
    ),
    Rule(
        "hours",
        _l(
            "At most 8 hours a day and 40 a week, a day of rest every week; no night shifts, overtime "
            "or work on public holidays (Art. 17; 劳动法 Art. 36, 38)"
        ),
        REGULATION,
        "17",
    ),
    Rule(
        "pay",
        _l("Pay at least 80 % of the same post's wage, in money, every month (Art. 18)"),
        REGULATION,
        "18",
    ),
    Rule(
        "fee", _l("No deposit, fee or commission, and no identity document kept (Art. 19)"), REGULATION, "19"
    ),
    Rule(
        "insurance",
        _l("Internship liability insurance for the whole internship, never paid by the student"),
        REGULATION,
        "—",
    ),
    Rule(
        "consent",
        _l("The student's written consent, and the guardian's for a student under 18"),
        REGULATION,
        "—",
    ),
    Rule(
        "share",
        _l("Interns at most 10 % of the enterprise's employees and 20 % of the same post's"),
        REGULATION,
        "—",
    ),
    Rule("duration", _l("岗位实习 generally lasts six months"), REGULATION, "—"),
)

# --- what HR declares about the post (an internship posting's own fields) -------------------------

VENUES = {
    "workplace": _l("An ordinary workplace (workshop, office, shop, farm, care home…)"),
    "entertainment": _l(
        "A commercial entertainment venue (bar, nightclub, KTV, bath centre, game hall, internet café)"
    ),
}
CHANNELS = {
    "direct": _l("The enterprise takes the intern from the school itself"),
    "agency": _l("Through an intermediary, labour-dispatch company or paid agency"),
}
# Physical labour intensity classes of GB 3869 (体力劳动强度分级).
INTENSITIES = {
    "1": _l("Class I (light)"),
    "2": _l("Class II (moderate)"),
    "3": _l("Class III (heavy)"),
    "4": _l("Class IV (very heavy)"),
}
HAZARDS = {
    "none": _l("None of these"),
    "height": _l("Work at height"),
    "underground": _l("Underground work"),
    "radioactive": _l("Radioactive work"),
    "toxic": _l("Highly toxic substances"),
    "explosive": _l("Flammable or explosive materials"),
}
YES_NO = {"no": _l("No"), "yes": _l("Yes")}
SEXES = {"f": _l("Female"), "m": _l("Male")}

# Words in a posting's title or description that suggest a forbidden post: a warning only (the
# declared answers decide), so that HR and the school look twice.
KEYWORDS = (
    "KTV", "酒吧", "夜总会", "歌厅", "洗浴", "电子游戏", "游戏厅", "网吧", "会所",
    "中介", "劳务派遣", "派遣",
    "高空", "高处作业", "井下", "矿井", "放射", "辐射", "剧毒", "高毒", "易燃", "易爆", "爆破", "危化",
)  # fmt: skip


# The post's answers the checks below judge: optional in a draft, each required to publish.
ASKED_TO_PUBLISH = ("venue", "channel", "intensity", "hazards", "minors_forbidden", "women_forbidden")


def declared_problems(details: dict, *, complete: bool) -> Iterator[tuple[str, object]]:
    """What the post's declared answers break; with `complete`, every answer is required (to
    publish, and to offer), otherwise only given answers are judged (a draft)."""
    for key in ASKED_TO_PUBLISH:
        if complete and not details.get(key):
            yield key, _l("Answer this before the internship is published: the 2021 rules depend on it.")
    if details.get("venue") == "entertainment":
        yield (
            "venue",
            _l(
                "No internship in a commercial entertainment venue such as a bar, KTV or internet café "
                "(Art. 16(5))."
            ),
        )
    if details.get("channel") == "agency":
        yield (
            "channel",
            _l(
                "No internship arranged through an intermediary, labour-dispatch or paid agency (Art. 16(6))."
            ),
        )
    if details.get("intensity") in ("3", "4"):
        yield "intensity", _l("No physical labour of class III or above for interns (Art. 16(7)).")
    hazards = [h for h in details.get("hazards") or [] if h != "none"]
    if hazards:
        names = "、".join(str(HAZARDS[h]) for h in hazards if h in HAZARDS)
        yield "hazards", _l("No high-risk internship (%(hazards)s) (Art. 17).", hazards=names)


def keyword_warnings(*texts: str) -> list[str]:
    """The warning words found in the posting's text, for a second look."""
    joined = " ".join(t or "" for t in texts).upper()
    return [word for word in KEYWORDS if word.upper() in joined]


# --- the student ---------------------------------------------------------------------------------


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def school_year(entry_year: int, day: date) -> int:
    """The school year a student who entered in `entry_year` is in on `day` (1: the first), each
    beginning on 1 September; 0 or less before entry."""
    return day.year - entry_year + int(day.month >= SCHOOL_YEAR_STARTS)


def is_first_year(entry_year: int, day: date) -> bool:
    """In the first school year on `day`: before 1 September of the year after entry."""
    return school_year(entry_year, day) <= 1


def student_problems(
    *,
    birth_date: date | None,
    entry_year: int | None,
    sex: str | None,
    starts_on: date | None,
    details: dict,
    field: str = "starts_on",
) -> Iterator[tuple[str, object]]:
    """Art. 16(1)–(4) for this student on this post, from the start date."""
    if starts_on is None:
        return
    if birth_date is None:
        yield field, _l("The student's date of birth is not known; the age rule cannot be checked.")
    else:
        age = age_on(birth_date, starts_on)
        if age < MIN_AGE:
            yield field, _l("The student is under 16 on the start date: no internship under 16 (Art. 16(2)).")
        elif age < ADULT_AGE and details.get("minors_forbidden") == "yes":
            yield (
                field,
                _l(
                    "The student is under 18 and this post has work forbidden to minors (Art. 16(3), "
                    "《未成年工特殊保护规定》)."
                ),
            )
        elif age < ADULT_AGE and details.get("hazards") and set(details["hazards"]) - {"none"}:
            yield field, _l("The student is under 18 and the post is high-risk (Art. 16(3), Art. 17).")
    if entry_year is None:
        yield field, _l("The student's year of entry is not known; the first-year rule cannot be checked.")
    elif is_first_year(entry_year, starts_on):
        yield (
            field,
            _l(
                "The student is in the first school year on the start date: no 岗位实习 for first-year "
                "students (Art. 16(1))."
            ),
        )
    if sex == "f" and details.get("women_forbidden") == "yes":
        yield (
            field,
            _l(
                "This post has work forbidden to women and the student is female (Art. 16(4), "
                "《女职工劳动保护特别规定》)."
            ),
        )


# --- the offer's terms -------------------------------------------------------------------------


def hours_problems(
    daily: int | None, weekly: int | None, rest_days: int | None, night: bool, overtime: bool, holidays: bool
) -> Iterator[tuple[str, object]]:
    if daily is not None and daily > MAX_DAILY_HOURS:
        yield "daily_hours", _l("At most 8 hours a day: longer days are overtime (Art. 17; 劳动法 Art. 36).")
    if weekly is not None and weekly > MAX_WEEKLY_HOURS:
        yield (
            "weekly_hours",
            _l(
                "At most 40 hours a week: longer weeks are overtime "
                "(Art. 17; 国务院关于职工工作时间的规定 Art. 3)."
            ),
        )
    if (
        weekly is not None
        and daily is not None
        and rest_days is not None
        and weekly > daily * (7 - rest_days)
    ):
        yield "weekly_hours", _l("The hours a week do not fit in the working days at these hours a day.")
    if rest_days is not None and rest_days < MIN_REST_DAYS:
        yield "rest_days", _l("At least one day of rest every week (劳动法 Art. 38).")
    if night:
        yield "night_shifts", _l("Interns may not work night shifts (Art. 17).")
    if overtime:
        yield "overtime", _l("Interns may not work overtime (Art. 17).")
    if holidays:
        yield "holiday_work", _l("Interns may not work on public holidays (Art. 17).")


def pay_problems(pay: int | None, wage: int | None) -> Iterator[tuple[str, object]]:
    if pay is not None and wage is not None and pay * 100 < wage * PAY_PERCENT:
        yield (
            "pay_monthly",
            _l(
                "The pay must be at least 80 %% of the same post's wage: at least %(min)d yuan (Art. 18).",
                min=-(-wage * PAY_PERCENT // 100),
            ),
        )


def fee_problems(fee: int | None) -> Iterator[tuple[str, object]]:
    if fee:
        yield "fee_charged", _l("No fee of any kind may be charged to the student (Art. 19).")


INSURANCE_PAYERS = {
    "school": _l("The school"),
    "enterprise": _l("The enterprise"),
    "both": _l("The school and the enterprise"),
    "student": _l("The student"),
}


def insurance_problems(
    payer: str | None,
    cover_starts: date | None,
    cover_ends: date | None,
    starts: date | None,
    ends: date | None,
) -> Iterator[tuple[str, object]]:
    if payer == "student":
        yield "insurance_payer", _l("The internship liability insurance may never be paid by the student.")
    if cover_starts and cover_ends and cover_ends < cover_starts:
        yield "cover_ends_on", _l("The cover ends before it starts.")
    elif starts and ends and cover_starts and cover_ends and (cover_starts > starts or cover_ends < ends):
        yield (
            "cover_ends_on",
            _l(
                "The insurance must cover the whole internship, %(start)s to %(end)s.",
                start=starts.isoformat(),
                end=ends.isoformat(),
            ),
        )


def share_problems(
    held_enterprise: int, staff_count: int | None, held_post: int, post_staff_count: int | None
) -> Iterator[tuple[str, object]]:
    """`held_*`: the other interns whose internships overlap this one's dates, plus this one."""
    if staff_count is None:
        yield "staff_count", _l("Record the enterprise's employees on the job first (for the 10 % rule).")
    elif held_enterprise * 100 > staff_count * STAFF_SHARE:
        yield (
            "staff_count",
            _l(
                "Interns at the same time would be more than 10 %% of the enterprise's %(n)d employees.",
                n=staff_count,
            ),
        )
    if post_staff_count is None:
        yield (
            "post_staff_count",
            _l("The posting does not say how many employees work on this post (20 % rule)."),
        )
    elif held_post * 100 > post_staff_count * POST_SHARE:
        yield (
            "post_staff_count",
            _l(
                "Interns at the same time would be more than 20 %% of the %(n)d employees on this post.",
                n=post_staff_count,
            ),
        )


def headcount_warnings(headcount: int, staff_count: int | None, post_staff_count: int | None) -> list[object]:
    """A posting asking for more interns than the shares allow at once: a warning, not a refusal,
    since each intern's dates are set at the offer (staggered periods may take them all); the offer
    counts the interns whose dates overlap (`share_problems`)."""
    warnings = []
    if post_staff_count and headcount * 100 > post_staff_count * POST_SHARE:
        warnings.append(
            _l(
                "%(headcount)d interns are more than 20 %% of the %(n)d employees on this post: at most "
                "%(most)d can be on it at a time, so the others need other dates.",
                headcount=headcount,
                n=post_staff_count,
                most=post_staff_count * POST_SHARE // 100,
            )
        )
    if staff_count and headcount * 100 > staff_count * STAFF_SHARE:
        warnings.append(
            _l(
                "%(headcount)d interns are more than 10 %% of the enterprise's %(n)d employees: at most "
                "%(most)d can intern at a time, so the others need other dates.",
                headcount=headcount,
                n=staff_count,
                most=staff_count * STAFF_SHARE // 100,
            )
        )
    return warnings


def needs_guardian(birth_date: date | None, starts_on: date | None) -> bool:
    return birth_date is not None and starts_on is not None and age_on(birth_date, starts_on) < ADULT_AGE


def consent_problems(
    student_consent: bool, guardian_consent: bool, birth_date: date | None, starts_on: date | None
) -> Iterator[tuple[str, object]]:
    if not student_consent:
        yield "student_consent", _l("Upload the student's signed consent (知情同意书) first.")
    if needs_guardian(birth_date, starts_on) and not guardian_consent:
        yield "guardian_consent", _l("The student is under 18: upload the guardian's signed consent first.")


# --- warnings: shown, never refused ----------------------------------------------------------------


def duration_warning(starts: date | None, ends: date | None) -> object | None:
    if starts and ends and (ends - starts).days > USUAL_MONTHS * 31:
        return _l("岗位实习 generally lasts six months; this one is longer. Is that in the training plan?")
    return None


def major_fit_warning(major: str | None, *post_texts: str) -> object | None:
    """A crude look: does any two-character word of the major appear in the post's text?"""
    if not major:
        return None
    text = " ".join(t or "" for t in post_texts)
    words = {major[i : i + 2] for i in range(len(major) - 1)} - {"技术", "应用", "管理", "专业", "服务"}
    if words and not any(w in text for w in words):
        return _l("The post may not fit the student's major (%(major)s): the internship should.", major=major)
    return None


# --- the end: a graded assessment by both supervisors ---------------------------------------------

GRADES = {
    "excellent": _l("Excellent"),
    "good": _l("Good"),
    "pass": _l("Pass"),
    "fail": _l("Fail"),
}
