"""Hostile spreadsheets, built in memory (issue 9): shared by the tests and bench/.

Each is small on the wire and meant to keep a parser busy or swell its memory. The teachers
sheet ("姓名" is its one required column) is the target; every file is otherwise well formed.
"""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook

HEADER = ["姓名", "任教学科"]


def workbook(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def legitimate(n: int = 5000) -> bytes:
    """The largest sheet the site accepts: n teachers."""
    return workbook([HEADER, *([f"教师{i}", "焊接"] for i in range(n))])


def _with_part(base: bytes, name: str, content: bytes) -> bytes:
    """`base` with one archive member replaced (or added)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != name:
                dst.writestr(info, src.read(info.filename))
        dst.writestr(name, content)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _cell(ref: str, value: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'.encode()


def _sheet(rows: bytes, dimension: str = "A1:B2", prolog: bytes = b"") -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        + prolog
        + b"<worksheet "
        + _NS
        + b">"
        + f'<dimension ref="{dimension}"/>'.encode()
        + b"<sheetData>"
        + rows
        + b"</sheetData></worksheet>"
    )


_HEAD_ROW = b'<row r="1">' + _cell("A1", "姓名") + b"</row>"


def dimension_bomb() -> bytes:
    """1.7 KB: the <dimension> claims A1:XFD1048576 and the one data row is numbered 1048576."""
    rows = _HEAD_ROW + b'<row r="1048576">' + _cell("A1048576", "张三") + b"</row>"
    return _with_part(workbook([["x"]]), SHEET, _sheet(rows, "A1:XFD1048576"))


def shared_strings_bomb(unpacked_mb: int = 78) -> bytes:
    """~200 KB whose sharedStrings.xml unpacks to tens of MB of strings."""
    item = b"<si><t>" + b"A" * 1000 + b"</t></si>"
    count = unpacked_mb * 1024 * 1024 // len(item)
    strings = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst '
        + _NS
        + f' count="{count}" uniqueCount="{count}">'.encode()
        + item * count
        + b"</sst>"
    )
    return _with_part(workbook([HEADER, ["张三", "焊接"]]), "xl/sharedStrings.xml", strings)


def wide_row(columns: int = 16384) -> bytes:
    """A row of 16,384 cells (every column Excel has)."""
    from openpyxl.utils import get_column_letter

    cells = b"".join(_cell(f"{get_column_letter(c)}2", "x") for c in range(1, columns + 1))
    rows = _HEAD_ROW + b'<row r="2">' + cells + b"</row>"
    return _with_part(workbook([["x"]]), SHEET, _sheet(rows))


def blank_rows(n: int = 200_000) -> bytes:
    """A header, then n empty rows that each exist in the XML, then one teacher."""
    rows = _HEAD_ROW + b"".join(f'<row r="{i}"/>'.encode() for i in range(2, n + 2))
    rows += f'<row r="{n + 2}">'.encode() + _cell(f"A{n + 2}", "张三") + b"</row>"
    return _with_part(workbook([["x"]]), SHEET, _sheet(rows))


def entity_expansion() -> bytes:
    """The billion laughs: ten levels of entities that each repeat the one below ten times."""
    levels = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    prolog = ("<!DOCTYPE worksheet [" + "".join(levels) + "]>").encode()
    rows = _HEAD_ROW + b'<row r="2">' + _cell("A2", "&lol9;") + b"</row>"
    return _with_part(workbook([["x"]]), SHEET, _sheet(rows, prolog=prolog))


def unterminated_csv() -> bytes:
    """A quote opened on line 2 and never closed: read leniently, one teacher named with every line after
    it."""
    return '姓名,任教学科\n"张三,焊接\n李四,钳工\n王五,电工\n'.encode()


# name: (builder, format, what the site must do with it)
HOSTILE = {
    "dimension bomb": (dimension_bomb, "xlsx", "refused"),
    "shared-strings bomb": (shared_strings_bomb, "xlsx", "refused"),
    "wide row": (wide_row, "xlsx", "parsed"),  # cut at MAX_COLUMNS: one teacher named "x"
    "200k blank rows": (blank_rows, "xlsx", "refused"),
    "entity expansion": (entity_expansion, "xlsx", "refused"),
    "unterminated quote": (unterminated_csv, "csv", "refused"),
}
