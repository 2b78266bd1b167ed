"""An enterprise enrols its staff in a run from a spreadsheet: every row goes through
`services.enrol_staff` (the rules of the sign-up form), and one bad row refuses the whole sheet,
listing every problem of every row at once (`spreadsheets.import_rows`)."""

from __future__ import annotations

from portal.accounts.models import User
from portal.platform import spreadsheets, vocab
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.spreadsheets import CHOICE, CHOICES, Column, SheetSpec
from portal.training import services
from portal.training.models import TraineeGroup

STAFF = SheetSpec(
    name="enrolment",
    title=_l("Staff to enrol"),
    columns=(
        Column("name", _l("Name"), required=True, aliases=("姓名",)),
        Column("phone", _l("Phone"), required=True, aliases=("电话", "手机", "手机号")),
        Column(
            "town",
            _l("Town"),
            CHOICE,
            required=True,
            choices=dict(vocab.TOWNS),
            aliases=("镇街", "镇（街道）"),
        ),
        Column(
            "groups",
            _l("Other groups"),
            CHOICES,
            choices=TraineeGroup.labels(),
            aliases=("人员类别", "类别"),
            hint=_l("Optional: veterans, people with disabilities … (enterprise staff is added)."),
        ),
    ),
)


def enrol_from_sheet(hr: User, run_id: int, data: bytes, filename: str | None) -> int:
    services.public_run(run_id)  # a run nobody may see is a 404 before the file is read
    return spreadsheets.import_rows(
        STAFF, data, filename, lambda values: services.enrol_staff(hr, run_id, values)
    )


def template(ext: str) -> bytes:
    example = [{"name": "张三（示例）", "phone": "13800000000", "town": "fengcheng", "groups": []}]
    return (
        spreadsheets.write_xlsx(STAFF, example, with_notes=True)
        if ext == "xlsx"
        else spreadsheets.write_csv(STAFF, example)
    )
