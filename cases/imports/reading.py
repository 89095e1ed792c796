"""From an uploaded file to numbered rows of text: CSV (UTF-8, with or without BOM, or the
Windows-1252 that Danish spreadsheets still write; `;`, `,` or tab between the fields) or XLSX
(read with openpyxl). A file that cannot be read at all raises FileProblem with a Danish reason;
rows are judged later, one by one (planning.py)."""

import csv
import io
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

# Header spellings people type, folded to one name (lower case, æøå spelled out, no spaces).
_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", " ": "_", "-": "_", ".": "_"})


class FileProblem(Exception):
    """The whole file is refused; the message is for the administrator, in Danish."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    columns: list  # folded header names
    rows: list  # (row number in the file, {column: text})


def table_dump(table):
    """The read table as bytes, kept for the confirmation in place of the uploaded file: the
    confirmation then plans again without reading a workbook again (seconds for 100,000 rows)."""
    return json.dumps({"columns": table.columns, "rows": table.rows}).encode()


def table_load(content):
    data = json.loads(bytes(content))
    return Table(columns=data["columns"], rows=[(number, row) for number, row in data["rows"]])


def header_fold(name):
    name = unicodedata.normalize("NFC", str(name or "")).strip().lower().translate(_FOLD)
    return re.sub(r"_+", "_", name).strip("_")


def table_read(*, file_name, content):
    if not content or not content.strip():
        raise FileProblem(_("The file is empty."))
    if content[:4] == b"PK\x03\x04" or file_name.lower().endswith((".xlsx", ".xlsm")):
        records = _xlsx_records(content)
    else:
        records = _csv_records(content)
    records = [(number, cells) for number, cells in records if any(c.strip() for c in cells)]
    if not records:
        raise FileProblem(_("The file is empty."))
    (_header_number, header), data = records[0], records[1:]
    columns = [header_fold(name) for name in header]
    if not data:
        raise FileProblem(_("The file has its headings but no rows under them."))
    rows = []
    for number, cells in data:
        values = {}
        for index, column in enumerate(columns):
            if column and column not in values:
                values[column] = cells[index].strip() if index < len(cells) else ""
        rows.append((number, values))
    return Table(columns=[c for c in columns if c], rows=rows)


def _decode(content):
    # NUL bytes mean UTF-16/32 or a binary file: neither is what we read, and cp1252 would
    # "decode" them into nonsense instead of failing.
    if b"\x00" in content:
        raise FileProblem(_wrong_encoding())
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        raise FileProblem(_wrong_encoding()) from None


def _wrong_encoding():
    return _(
        "The file could not be read as text in UTF-8 or Windows-1252. Save it from the "
        "spreadsheet as “CSV (semikolonsepareret)” or as an Excel workbook (XLSX)."
    )


def _csv_records(content):
    text = _decode(content)
    first_line = text.split("\n", 1)[0]
    delimiter = max([";", ",", "\t"], key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [(reader.line_num, row) for row in reader]
    except csv.Error:
        raise FileProblem(
            _("The file is not a readable CSV file (a quotation mark is not closed?).")
        ) from None


def _xlsx_records(content):
    # openpyxl raises many kinds of errors on a damaged or foreign file; all mean the same here.
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        records = [
            (number, [_cell_text(value) for value in row])
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
        workbook.close()
        return records
    except Exception as error:  # noqa: BLE001 — openpyxl raises many kinds on a foreign file
        raise FileProblem(_("The file could not be read as an Excel workbook (XLSX).")) from error


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)
