"""One entry point from an Overview to a document in any supported format."""

from __future__ import annotations

from collections.abc import Callable
from types import MappingProxyType

from reports.html import render_html
from reports.markdown import render_markdown
from reports.overview import Overview
from reports.spreadsheet import render_csv, render_xlsx
from reports.word import render_docx

# Format -> (file extension, MIME type). HTML first: it is the default for /overview.
FORMATS: MappingProxyType[str, tuple[str, str]] = MappingProxyType(
    {
        "html": (".html", "text/html"),
        "docx": (
            ".docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        "md": (".md", "text/markdown"),
        "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        "csv": (".csv", "text/csv"),
    }
)

_RENDERERS: dict[str, Callable[[Overview], bytes]] = {
    "html": render_html,
    "docx": render_docx,
    "md": render_markdown,
    "xlsx": render_xlsx,
    "csv": render_csv,
}


class UnknownFormatError(ValueError):
    """A format name that is not one of FORMATS."""


def _format_key(fmt: str) -> str:
    key = fmt.strip().lower().removeprefix(".")
    if key == "markdown":
        key = "md"
    if key not in FORMATS:
        raise UnknownFormatError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return key


def render(overview: Overview, fmt: str) -> bytes:
    """Renders the overview in a format of FORMATS (case-insensitive, a leading dot allowed).

    Raises UnknownFormatError, naming the known formats, for any other name.
    """
    return _RENDERERS[_format_key(fmt)](overview)


def filename(overview: Overview, fmt: str) -> str:
    """A file name for the document: the round name made safe, plus the format's extension."""
    stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in overview.round_name)
    stem = "-".join(part for part in stem.split("-") if part)[:60] or str(overview.round_id)
    prefix = "overzicht" if overview.language == "nl" else "overview"
    return f"{prefix}-{stem}{FORMATS[_format_key(fmt)][0]}"
