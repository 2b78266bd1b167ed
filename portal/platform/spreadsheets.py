"""Spreadsheet import and export (.xlsx and .csv), generic over a column spec.

A list (majors, teachers, demand postings…) declares a `SheetSpec`: its columns,
their kinds and labels. `import_rows` reads an upload, checks that the file is
what it claims, converts every cell, hands each row to a `create` callable (the
list's own service function, so a row obeys exactly the rules of the form) and
collects every bad row with its line and reason. If any row is bad it raises
`ImportRefused`, and the caller's rollback writes nothing.

The uploaded file name only tells which format the user *claims*; it is never
used as a path. Bytes are inspected: an .xlsx is a ZIP holding `xl/workbook.xml`,
a CSV must decode as text (UTF-8 with or without BOM, UTF-16 as Excel's "Unicode
text", or GBK/GB18030 as Excel in China writes it).
"""

from __future__ import annotations

import csv
import io
import re
import time
import warnings
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import force_locale
from flask_babel import gettext as _

from portal.platform.errors import ServiceError
from portal.platform.i18n import lazy_gettext as _l

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# Bounds that hold a hostile workbook to well under a second and a few MB of memory
# (bench/bench_hostile_uploads.py): a legitimate 5,000-row sheet unpacks to a few MB.
MAX_UNPACKED = 24 * 1024 * 1024  # a 5 MB workbook that unpacks beyond this is a zip bomb
MAX_SHARED_STRINGS = 16 * 1024 * 1024  # read whole when the workbook opens, so bounded on its own
MAX_COLUMNS = 60
MAX_SHEET_LINES = 2 * MAX_ROWS  # data rows plus blank lines between them
PARSE_SECONDS = 5.0
MAX_ERRORS_SHOWN = 200

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Werkzeug adds "; charset=utf-8" to text types itself: naming it here sent it twice.
CSV_MIMETYPE = "text/csv"

TEXT, INTEGER, BOOLEAN, DATE, CHOICE, CHOICES = "text", "integer", "boolean", "date", "choice", "choices"
_TRUE = {"是", "有", "对", "y", "yes", "true", "1", "√", "✓", "t"}
_FALSE = {"否", "无", "不", "n", "no", "false", "0", "×", "✗", "f", ""}
_LIST_SPLIT = re.compile(r"[,，、;；/\n]+")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BINARY_MAGIC = (
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"Rar!",
    b"\x1f\x8b",
    b"7z\xbc\xaf",
    b"MZ",
    b"\x7fELF",
)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # a lazy gettext string
    kind: str = TEXT
    required: bool = False
    choices: dict[str, object] | None = None  # stored code → lazy label
    aliases: tuple[str, ...] = ()  # other headers people write, e.g. the Chinese ones
    hint: object = ""  # shown on the template's notes sheet

    def headers(self) -> set[str]:
        names = {self.key, *self.aliases}
        for locale in ("zh", "en"):
            with force_locale(locale):
                names.add(str(self.label))
        return {_normalise_header(n) for n in names}


@dataclass(frozen=True)
class SheetSpec:
    name: str  # ASCII stem of downloaded files, e.g. "majors"
    title: object
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)


@dataclass(frozen=True)
class RowError:
    line: int  # the row number a spreadsheet program shows; the header is line 1
    column: str
    message: str
    value: str = ""  # the cell as typed, so the user can find it

    def __str__(self) -> str:
        if self.column and self.value:
            return _(
                "Line %(line)d, %(column)s (“%(value)s”): %(message)s",
                line=self.line,
                column=self.column,
                value=self.value,
                message=self.message,
            )
        if self.column:
            return _(
                "Line %(line)d, %(column)s: %(message)s",
                line=self.line,
                column=self.column,
                message=self.message,
            )
        return _("Line %(line)d: %(message)s", line=self.line, message=self.message)


class ImportRefused(ServiceError):
    """Some rows are bad: nothing may be written. `errors` lists each bad row."""

    def __init__(self, message, errors: list[RowError] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


@dataclass
class Table:
    header: list[str]
    header_line: int
    rows: list[tuple[int, list]] = field(default_factory=list)


# --- reading --------------------------------------------------------------------


def _normalise_header(value: object) -> str:
    text = str(value if value is not None else "").strip().lower()
    return re.sub(r"[\s*＊（）()：:]+", "", text)


def _extension(filename: str | None) -> str:
    name = (filename or "").strip().lower()
    return name.rsplit(".", 1)[-1] if "." in name else ""


def _refuse_not_spreadsheet():
    raise ServiceError(
        _l("This file is not a spreadsheet. Upload an .xlsx workbook or a .csv file."), field="file"
    )


def sniff(data: bytes, filename: str | None) -> str:
    """'xlsx' or 'csv' from the bytes; refuses files that are not what they claim."""
    if not data:
        raise ServiceError(_l("The file is empty."), field="file")
    if len(data) > MAX_BYTES:
        raise ServiceError(
            _l(
                "The file is larger than %(mb)d MB. Split it into smaller files.",
                mb=MAX_BYTES // (1024 * 1024),
            ),
            field="file",
        )
    ext = _extension(filename)
    if ext not in ("xlsx", "csv", "txt", ""):
        if ext == "xls":
            raise ServiceError(
                _l("Old .xls workbooks are not supported; save it as .xlsx or .csv."), field="file"
            )
        _refuse_not_spreadsheet()
    if data.startswith(b"PK\x03\x04"):
        if ext in ("csv", "txt"):
            raise ServiceError(_l("The file is named .csv but is not a CSV text file."), field="file")
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                _check_archive(archive)
        except (zipfile.BadZipFile, ValueError, OSError, EOFError):
            raise ServiceError(_l("The file is not an Excel .xlsx workbook."), field="file") from None
        return "xlsx"
    if ext == "xlsx":
        raise ServiceError(_l("The file is named .xlsx but is not an Excel workbook."), field="file")
    if data.startswith(_OLE_MAGIC):
        raise ServiceError(
            _l("Old .xls workbooks are not supported; save it as .xlsx or .csv."), field="file"
        )
    if data.startswith(_BINARY_MAGIC):
        _refuse_not_spreadsheet()
    return "csv"


def _check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse a workbook before openpyxl reads it: declared sizes beyond the bounds, and XML
    that declares a DTD (entity expansion; no workbook Excel writes has one)."""
    sizes = {info.filename: info.file_size for info in archive.infolist()}
    if "xl/workbook.xml" not in sizes:
        raise ServiceError(_l("The file is not an Excel .xlsx workbook."), field="file")
    if sum(sizes.values()) > MAX_UNPACKED or sizes.get("xl/sharedStrings.xml", 0) > MAX_SHARED_STRINGS:
        raise ServiceError(_l("The workbook is too large once unpacked."), field="file")
    for name in sizes:
        if name.endswith((".xml", ".rels")):
            with archive.open(name) as member:
                head = member.read(4096)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise ServiceError(_l("The workbook could not be opened; it may be damaged."), field="file")


def decode_text(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]  # GB18030 reads everything GBK (Excel in China) writes
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _CONTROL.search(text):  # binary content that happened to decode
            break
        return text
    raise ServiceError(
        _l("The CSV file could not be read as text. Save it as CSV UTF-8 (or the Chinese CSV Excel offers)."),
        field="file",
    )


def _too_many_rows():
    raise ServiceError(
        _l(
            "The file has more than %(n)s rows. Split it into files of at most %(n)s rows.", n=f"{MAX_ROWS:,}"
        ),
        field="file",
    )


def _empty(row: Iterable) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row)


def _collect(numbered_rows: Iterable[tuple[int, list]]) -> Table:
    table: Table | None = None
    deadline = time.monotonic() + PARSE_SECONDS
    for line, row in numbered_rows:
        if line > MAX_SHEET_LINES:
            # A sheet whose last row is numbered 1,048,576 would otherwise be read blank line
            # by blank line; Excel's "delete rows" removes such trailing rows.
            raise ServiceError(
                _l(
                    "The sheet goes on beyond line %(n)s. Delete the empty rows at its end, or split the "
                    "file.",
                    n=f"{MAX_SHEET_LINES:,}",
                ),
                field="file",
            )
        if line % 256 == 0 and time.monotonic() > deadline:
            raise ServiceError(
                _l("The file took too long to read. Split it into smaller files."), field="file"
            )
        if _empty(row):
            continue
        row = list(row[:MAX_COLUMNS])
        if table is None:
            table = Table(header=[str(c).strip() if c is not None else "" for c in row], header_line=line)
            continue
        if len(table.rows) >= MAX_ROWS:
            _too_many_rows()
        table.rows.append((line, row))
    if table is None:
        raise ServiceError(_l("The file has no header row."), field="file")
    return table


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        # openpyxl warns about styles and extensions it ignores; they do not concern the data.
        warnings.simplefilter("ignore")
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds on a corrupt workbook
            raise ServiceError(
                _l("The workbook could not be opened; it may be damaged."), field="file"
            ) from None
        try:
            sheet = workbook.worksheets[0]
            # The declared <dimension> (A1:XFD1048576 in a hostile file) is not believed: rows are
            # read as they come, each cut at MAX_COLUMNS.
            sheet.reset_dimensions()
            return _collect(enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1))
        except ServiceError:
            raise
        except Exception:
            raise ServiceError(
                _l("The workbook could not be opened; it may be damaged."), field="file"
            ) from None
        finally:
            workbook.close()


def _read_csv(data: bytes) -> Table:
    text = decode_text(data)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    # strict: a quote left open is an error, not a cell that swallows the rest of the file.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)

    def numbered_rows():
        while True:
            start = reader.line_num + 1  # a quoted cell may span lines: a row is named by its first
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error:
                raise ServiceError(
                    _l(
                        "Line %(n)d: the quotes do not match. Check that every quoted cell is closed.",
                        n=start,
                    ),
                    field="file",
                ) from None
            yield start, row

    return _collect(numbered_rows())


def read_table(data: bytes, filename: str | None) -> Table:
    return _read_xlsx(data) if sniff(data, filename) == "xlsx" else _read_csv(data)


# --- converting cells -----------------------------------------------------------


class _CellError(Exception):
    def __init__(self, message) -> None:
        self.message = message


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    # Undo the quote that export puts before formula-like text.
    if text.startswith("'") and text[1:2] in _FORMULA_START:
        text = text[1:]
    return text


def _choice_code(column: Column, raw: str) -> str:
    wanted = _normalise_header(raw)
    for code, label in (column.choices or {}).items():
        names = {code}
        for locale in ("zh", "en"):
            with force_locale(locale):
                names.add(str(label))
        if wanted in {_normalise_header(n) for n in names}:
            return code
    allowed = "、".join(str(label) for label in (column.choices or {}).values())
    raise _CellError(_l("Unknown value %(value)s; use one of: %(allowed)s.", value=raw, allowed=allowed))


def convert(column: Column, value):
    if column.kind == INTEGER:
        if isinstance(value, bool):
            raise _CellError(_l("Enter a whole number."))
        if isinstance(value, int):
            return value
        if isinstance(value, float):
            if value.is_integer():
                return int(value)
            raise _CellError(_l("Enter a whole number."))
        text = _text(value).replace(",", "").replace("，", "")
        if not text:
            if column.required:
                raise _CellError(_l("This field is required."))
            return None
        if not re.fullmatch(r"[+-]?\d{1,9}", text):
            raise _CellError(_l("Enter a whole number."))
        return int(text)
    if column.kind == BOOLEAN:
        if isinstance(value, bool):
            return value
        text = _text(value).lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise _CellError(_l("Write 是 or 否 (yes or no)."))
    if column.kind == DATE:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = _text(value)
        if not text:
            if column.required:
                raise _CellError(_l("This field is required."))
            return None
        for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"):
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        raise _CellError(_l("Write the date as 2026-09-01."))
    text = _text(value)
    if column.kind == CHOICE:
        if not text:
            if column.required:
                raise _CellError(_l("This field is required."))
            return None
        return _choice_code(column, text)
    if column.kind == CHOICES:
        return [_choice_code(column, part.strip()) for part in _LIST_SPLIT.split(text) if part.strip()]
    if column.required and not text:
        raise _CellError(_l("This field is required."))
    return text


def _map_header(spec: SheetSpec, table: Table) -> dict[int, Column]:
    known = {header: column for column in spec.columns for header in column.headers()}
    mapping: dict[int, Column] = {}
    errors: list[RowError] = []
    for index, name in enumerate(table.header):
        if not name:
            continue
        column = known.get(_normalise_header(name))
        if column is None:
            errors.append(RowError(table.header_line, name, str(_l("Unknown column."))))
        elif column in mapping.values():
            errors.append(RowError(table.header_line, name, str(_l("This column appears twice."))))
        else:
            mapping[index] = column
    for column in spec.columns:
        if column.required and column not in mapping.values():
            errors.append(
                RowError(table.header_line, str(column.label), str(_l("This required column is missing.")))
            )
    if errors:
        raise ImportRefused(_l("The header row does not match the template; nothing was imported."), errors)
    return mapping


# --- importing ------------------------------------------------------------------


def import_rows(spec: SheetSpec, data: bytes, filename: str | None, create: Callable[[dict], object]) -> int:
    """Create one record per data row through `create`, or nothing at all.

    `create(values)` receives the converted cells keyed by column key (absent
    optional cells are left out, so the service's defaults apply) and raises
    `ServiceError` for a bad row. Returns the number of rows created; raises
    `ImportRefused` listing every bad row. The caller commits or rolls back.
    """
    table = read_table(data, filename)
    mapping = _map_header(spec, table)
    if not table.rows:
        raise ServiceError(_l("The file has no data rows under the header."), field="file")
    errors: list[RowError] = []
    created = 0
    for line, row in table.rows:
        values: dict = {}
        failed: set[str] = set()
        for index, column in mapping.items():
            raw = row[index] if index < len(row) else None
            try:
                value = convert(column, raw)
            except _CellError as exc:
                errors.append(RowError(line, str(column.label), str(exc.message), _shown(raw)))
                failed.add(column.key)
                if column.required:
                    values[column.key] = None  # as if blank: the service judges the rest of the row
                continue
            if value is not None:
                values[column.key] = value
        try:
            # Even a row with unreadable cells, required ones too, goes to the service, so that the
            # user sees every problem of every row on the first upload (issue 26); whatever it
            # writes is rolled back with the import.
            create(values)
        except ServiceError as exc:
            # Every problem of the row (a service may report several at once), each with its column.
            for problem in getattr(exc, "problems", None) or [exc]:
                if problem.field in failed:
                    continue  # already reported as the cell that could not be read
                column = spec.column(problem.field) if problem.field else None
                index = next((i for i, c in mapping.items() if c is column), None)
                raw = row[index] if index is not None and index < len(row) else None
                errors.append(
                    RowError(line, str(column.label) if column else "", str(problem.message), _shown(raw))
                )
            continue
        if not failed:
            created += 1
    if errors:
        raise ImportRefused(
            _l(
                "%(n)d of %(total)d rows have problems; nothing was imported. Correct them and upload again.",
                n=len({e.line for e in errors}),
                total=len(table.rows),
            ),
            errors[:MAX_ERRORS_SHOWN],
        )
    return created


def _shown(raw) -> str:
    """A cell as the user typed it, short enough for one line of the report."""
    text = "" if raw is None else str(raw).strip()
    return text if len(text) <= 40 else text[:39] + "…"


# --- writing --------------------------------------------------------------------


def _cell_out(column: Column, value):
    if value is None:
        return ""
    if column.kind == BOOLEAN:
        return _("Yes") if value else _("No")
    if column.kind == CHOICE:
        return str((column.choices or {}).get(value, value))
    if column.kind == CHOICES:
        codes = value if isinstance(value, list | tuple) else [v for v in str(value).split(",") if v]
        return "、".join(str((column.choices or {}).get(c, c)) for c in codes)
    if column.kind == DATE:
        return value.isoformat() if isinstance(value, date) else str(value)
    if column.kind == INTEGER:
        return value
    text = str(value)
    # A cell starting with = + - @ would run as a formula in Excel (CSV injection).
    return "'" + text if text.startswith(_FORMULA_START) else text


def _headers(spec: SheetSpec) -> list[str]:
    return [str(c.label) for c in spec.columns]


def write_xlsx(spec: SheetSpec, records: Iterable[dict], *, with_notes: bool = False) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import TYPE_STRING

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(spec.title)[:31]
    sheet.append(_headers(spec))
    for record in records:
        sheet.append([_cell_out(c, record.get(c.key)) for c in spec.columns])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING  # never a formula, whatever the text
    for index, column in enumerate(spec.columns):
        sheet.column_dimensions[sheet.cell(row=1, column=index + 1).column_letter].width = (
            18 if column.kind != TEXT else 28
        )
    if with_notes:
        notes = workbook.create_sheet(_("Notes")[:31])
        notes.append([_("Column"), _("Required"), _("What to write")])
        for column in spec.columns:
            allowed = "、".join(str(v) for v in (column.choices or {}).values())
            notes.append(
                [str(column.label), _("Yes") if column.required else _("No"), str(column.hint or allowed)]
            )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write_csv(spec: SheetSpec, records: Iterable[dict]) -> bytes:
    """UTF-8 with a BOM, so that Excel in China opens it without garbling the Chinese."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_headers(spec))
    for record in records:
        writer.writerow([_cell_out(c, record.get(c.key)) for c in spec.columns])
    return out.getvalue().encode("utf-8-sig")
