"""Part-time teachers from industry (企业兼职教师) against the staffing quota.

Source: 《提质培优建设莱芜区职业教育创新发展高地实施方案》(莱芜政发〔2020〕5号), item 5: schools may
hire part-time teachers within 20% of their staffing quota (编制员额), and the finance department funds
the posts within the approved total. Item 8 asks that enterprise staff teach part-time at schools and that
this counts in their appraisal. The rule limits the school's own use of its quota (posts and the money
that comes with them); it never limits an enterprise expert teaching through an exchange.
"""

from __future__ import annotations

from portal.platform.i18n import lazy_gettext as _l

QUOTA_PERCENT = 20
SOURCE = _l("莱芜政发〔2020〕5号 item 5 (20% of the staffing quota for part-time teachers)")
