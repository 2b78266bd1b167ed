"""Double-qualified (双师型) teachers.

- 《职业学校教师企业实践规定》(教师〔2016〕3号) Art. 4: subject teachers (专业课教师, practice instructors
  included) spend at least six months in total in enterprises or on the production/service front line in
  every five years; public basic-course teachers (公共基础课) should visit enterprises regularly (no
  duration). The six months apply to subject teachers only.
- 《职业教育"双师型"教师基本标准（试行）》(教师厅〔2022〕2号): three levels (初级, 中级, 高级), for subject
  teachers (practice instructors included) and enterprise part-time teachers, certified through a
  provincial procedure or one the province delegates to schools (as a provincial implementation of it
  reads, e.g. 甘肃省职业教育"双师型"教师认定标准, 2023). We could not confirm the standard's own level
  criteria from a text we found, so the platform records the certification (level, date, body) and
  never decides it.
- The plan (莱芜政发〔2020〕5号, 一（二）) counts the share among all full-time teachers (70 % by 2022); the
  national measure counts it among subject teachers. Both are shown.
"""

from __future__ import annotations

from portal.platform.i18n import lazy_gettext as _l

PRACTICE_MONTHS = 6
PRACTICE_YEARS = 5
PRACTICE_SOURCE = _l("教师〔2016〕3号 Art. 4 (subject teachers: six months in every five years)")
STANDARD_SOURCE = _l('教师厅〔2022〕2号《职业教育"双师型"教师基本标准（试行）》')
PLAN_TARGET_PERCENT = 70
PLAN_SOURCE = _l("莱芜政发〔2020〕5号 一（二）(70% of full-time teachers by 2022)")

LEVELS = {
    "unknown": _l("Level not recorded"),
    "junior": _l("Junior (初级)"),
    "intermediate": _l("Intermediate (中级)"),
    "senior": _l("Senior (高级)"),
}
BODIES = {
    "school": _l("School (delegated by the province)"),
    "provincial": _l("Provincial education department"),
}
# What existing yes/no flags became: the old flag recorded no level, and a level the records do
# not show would be invented; "unknown" keeps the teacher counted and lists them for review.
MIGRATED_NOTE = "迁移：原“双师型”是/否标记，未记录级别、认定日期和认定机构，请学校补录。"
