"""Modern apprenticeship (现代学徒制) and order classes (订单班).

- 《中华人民共和国职业教育法》(2022) Art. 30, third paragraph: when an enterprise and a vocational school
  jointly enrol students and train them as apprentices combining work and study, an apprenticeship
  training agreement (学徒培养协议) shall be signed. The brief asks that the agreement bind school,
  enterprise and apprentice (and the guardian of a minor) and state the stipend and insurance; the
  platform records those before a pairing starts. A minor is under 18 (民法典 Art. 17).
- Order classes: no national text we could confirm requires that students stay free to choose an
  employer at the end; the district's rule is the setting `order_class_free_choice`.
"""

from __future__ import annotations

from portal.platform.i18n import lazy_gettext as _l

AGREEMENT_SOURCE = _l("职业教育法 (2022) Art. 30")
ADULT_AGE = 18
MINOR_SOURCE = _l("民法典 Art. 17 (adults are 18 or older)")
AGREEMENT_VERSION = "2022-art30-v1"
FREE_CHOICE_SOURCE = _l("district setting (no national text confirmed)")
FREE_CHOICE_CLAUSE = (
    "学生在订单（冠名）班结业或毕业时，可自主选择就业单位；企业不得以培养费用、押金或扣留证件等方式"
    "限制学生择业。"
)
