"""The overview as one self-contained HTML file, from a Jinja2 template.

The one Jinja2 environment of the reports lives here: autoescaping on (answers are typed by
users and must come out inert), every printed value stripped of control characters, and the
filters registered in one place. The page prints: A4, the wide tables on landscape pages,
no table clipped, no chapter forced onto a page of its own.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from conversations.answers import clean_text
from conversations.texts import catalogue
from reports import wording
from reports.formatting import format_date, format_datetime
from reports.overview import Overview
from reports.progress import progress_line

# Names, labels and dates repeat thousands of times in a large round: clean each string once.
_clean = lru_cache(maxsize=1 << 16)(clean_text)


def _finalize(value: object) -> object:
    # Runs on every {{ expression }} before escaping: user text cannot smuggle in control chars.
    # Markup is the template's own macros' output, built from escaped and cleaned parts.
    if isinstance(value, Markup):
        return value
    return _clean(value) if isinstance(value, str) else value


@pass_context
def _date_filter(context: Context, value: date | None) -> str:
    return format_date(value, context["language"])


@pass_context
def _datetime_filter(context: Context, value: datetime) -> str:
    return format_datetime(value, context["language"])


def _build_environment() -> Environment:
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["date"] = _date_filter
    env.filters["datetime"] = _datetime_filter
    return env


environment = _build_environment()


def render_html(overview: Overview) -> bytes:
    """Renders the overview as a UTF-8 HTML document with inline CSS and no external assets.

    A purged round gets a page that says so, with the counts that are left and no name.
    """
    t = catalogue(overview.language)
    if overview.purged:
        page = environment.get_template("purged.html.j2").render(
            overview=overview,
            L=t.labels,
            language=overview.language,
            notice=wording.purged_notice(overview, t),
        )
        return page.encode("utf-8")
    page = environment.get_template("overview.html.j2").render(
        overview=overview,
        L=t.labels,
        progress=progress_line(overview.progress, t),
        language=overview.language,
        version=wording.version_text(overview, t),
        names=lambda names, limit=wording.NAME_LIMIT: wording.name_list(names, t, limit),
        group_head=wording.group_head,
        signal_head=lambda signal: wording.signal_head(signal, t),
        signal_details=lambda signal: wording.signal_details(signal, t),
        state={s: wording.state_label(s, t) for s in wording.CellState}.__getitem__,
        category_state=wording.CATEGORY_STATE,
        states=list(wording.CellState),
        contributors=lambda s: wording.contributors_text(s.submitted_by, s.drafting, t),
    )
    return page.encode("utf-8")
