"""Spreadsheets written for people to read (.xlsx with one sheet per topic, .csv): the yearly
report, the public statistics, the alignment figures, the major catalogue. Text cells are always
stored as text, never as formulas (a cell like "=1+1" stays text in Excel).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _

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
