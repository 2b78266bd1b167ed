"""Industry–education integration enterprises (产教融合型企业).

Source: 《建设产教融合型企业实施办法（试行）》(国家发展改革委 教育部, 发改社会〔2019〕590号).
- Art. 4: the provincial development-reform and education departments organise applications, review and
  confirm (复核确认), build and certify such enterprises. The district does not confirm: it recommends
  and records the provincial decision (the plan, 莱芜政发〔2020〕5号 item 7, asks it to promote, 推动).
- Art. 5: an enterprise registered in China that runs or takes part in running vocational or higher
  education through capital, technology, knowledge, facilities or management, and cooperates stably with
  schools on training bases, majors, curricula and technical research, and meets one of the listed
  conditions. We confirmed the article's opening from a copy of the text; the copies we found were cut
  before the list, so the listed conditions below are the ones the platform can read from its own
  records, each shown with what is missing, and none of them refuses a recommendation.
"""

from __future__ import annotations

from portal.platform.i18n import lazy_gettext as _l

SOURCE = _l("发改社会〔2019〕590号")
CONFIRMING_AUTHORITY = _l(
    "发改社会〔2019〕590号 Art. 4 (provincial development-reform and education departments)"
)
CRITERIA_SOURCE = _l("发改社会〔2019〕590号 Art. 5")

# (key, label): what the platform's records can show towards Art. 5.
CRITERIA = (
    ("registered", _l("Registered in China and verified on the platform (unified social credit code)")),
    (
        "stable_cooperation",
        _l("Stable cooperation with a school: an agreed cooperation active for a year or more"),
    ),
    ("order_classes", _l("Order or named classes run with schools")),
    ("apprenticeship", _l("Takes part in modern apprenticeship (现代学徒制)")),
    ("teaching", _l("Enterprise experts teaching at schools, or teachers received for practice")),
    ("internships", _l("Students received for internships")),
)
