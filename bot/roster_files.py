"""Reading a list of colleagues from a .csv or .xlsx file into rows of text.

CSV as Excel and others save it: UTF-8 with or without a byte order mark, or Windows-1252
(Excel's "CSV" on Windows), separated by semicolons (Dutch Excel), commas or tabs. Excel
workbooks through openpyxl: the first sheet, values as shown (a formula's last result).
Whatever cannot be read becomes a ListFileError naming the problem, never a traceback.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path

MAX_BYTES = 2 * 1024 * 1024  # a list of a few hundred names is a few kilobytes
SUFFIXES = (".csv", ".xlsx")


class ListFileProblem(StrEnum):
    """Why a file gives no rows."""

    MISSING = "missing"
    NOT_A_FILE = "not_a_file"  # a folder
    UNREADABLE = "unreadable"  # permissions, I/O
    TOO_BIG = "too_big"
    SUFFIX = "suffix"  # not .csv or .xlsx
    OLD_EXCEL = "old_excel"  # .xls
    BROKEN_XLSX = "broken_xlsx"
    NOT_TEXT = "not_text"  # a .csv that is no text


class ListFileError(Exception):
    """A list file that cannot be read; ``detail`` says more where there is more to say."""

    def __init__(
        self, problem: ListFileProblem, name: str, detail: str = "", cause: OSError | None = None
    ) -> None:
        super().__init__(f"{name}: {problem.value} {detail}".strip())
        self.problem = problem
        self.name = name
        self.detail = detail
        self.cause = cause  # what the system said, for the user's own language


def read_list_file(path: Path) -> list[list[str]]:
    """Reads the rows of a list file on disk."""
    name = str(path)
    if path.suffix.lower() not in (*SUFFIXES, ".xls"):
        raise ListFileError(ListFileProblem.SUFFIX, name, path.suffix)
    try:
        if path.is_dir():
            raise ListFileError(ListFileProblem.NOT_A_FILE, name)
        if path.stat().st_size > MAX_BYTES:
            raise ListFileError(ListFileProblem.TOO_BIG, name)
        data = path.read_bytes()
    except FileNotFoundError:
        raise ListFileError(ListFileProblem.MISSING, name) from None
    except OSError as exc:
        raise ListFileError(ListFileProblem.UNREADABLE, name, exc.strerror or "", exc) from None
    return read_list(data, path.name)


def read_list(data: bytes, filename: str) -> list[list[str]]:
    """Reads the rows of a list file's content; ``filename``'s extension says its kind."""
    suffix = Path(filename).suffix.lower()
    if len(data) > MAX_BYTES:
        raise ListFileError(ListFileProblem.TOO_BIG, filename)
    if suffix == ".xls":
        raise ListFileError(ListFileProblem.OLD_EXCEL, filename)
    if suffix == ".xlsx":
        return _xlsx_rows(data, filename)
    if suffix == ".csv":
        return _csv_rows(data, filename)
    raise ListFileError(ListFileProblem.SUFFIX, filename, suffix)


def _decode(data: bytes, filename: str) -> str:
    if b"\0" in data[:4096]:
        raise ListFileError(ListFileProblem.NOT_TEXT, filename)  # UTF-16, or a binary file
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Excel on Windows saves "CSV" in the ANSI code page; bytes it leaves undefined mean
        # this is no such file either.
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ListFileError(ListFileProblem.NOT_TEXT, filename) from None


def _delimiter(text: str) -> str:
    """Returns the separator of the header line: the one of ; , tab it holds most of."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: header.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ";"


def _csv_rows(data: bytes, filename: str) -> list[list[str]]:
    text = _decode(data, filename)
    try:
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
        return [list(row) for row in rows]
    except csv.Error as exc:
        raise ListFileError(ListFileProblem.NOT_TEXT, filename, str(exc)) from None


def _xlsx_rows(data: bytes, filename: str) -> list[list[str]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise ListFileError(ListFileProblem.BROKEN_XLSX, filename, str(exc)) from None
    try:
        sheet = workbook.worksheets[0]
        return [[_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ListFileError(ListFileProblem.BROKEN_XLSX, filename, str(exc)) from None
    finally:
        workbook.close()


def _text(value: object) -> str:
    """Returns a cell's value as the spreadsheet shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)
