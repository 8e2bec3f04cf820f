"""The overview as one self-contained HTML file, from a Jinja2 template.

The one Jinja2 environment of the reports lives here: autoescaping on (answers are typed by
users and must come out inert), every printed value stripped of control characters, and the
filters registered in one place. The page prints: A4, the wide tables on landscape pages,
no table clipped, no chapter forced onto a page of its own.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache

from jinja2 import (
    Environment,
    FileSystemBytecodeCache,
    PackageLoader,
    StrictUndefined,
    pass_context,
)
from jinja2.bccache import Bucket
from jinja2.runtime import Context
from markupsafe import Markup, escape

from conversations.answers import clean_text
from conversations.texts import Catalogue, catalogue
from reports import wording
from reports.coverage import CellState, Coverage
from reports.formatting import MomentTexts, format_date, format_datetime
from reports.overview import Overview
from reports.progress import progress_line
from reports.sections import AnswerEntry, PartnerMention

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


class _KeptCompiled(FileSystemBytecodeCache):
    """Compiled templates kept between runs, in the user's own temporary folder (Jinja's).

    Compiling the overview's template is 0.06 s of every `themabot report`. Jinja checks each
    kept file against the template's source and its own version, so a changed template is
    compiled again. A folder that cannot be written means compiling each time, not an error.
    """

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _kept_compiled() -> FileSystemBytecodeCache | None:
    try:
        return _KeptCompiled()
    except (OSError, RuntimeError):  # Jinja refuses a folder someone else could write to
        return None


def _build_environment() -> Environment:
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        bytecode_cache=_kept_compiled(),
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


def _answer_blocks(
    labels: Mapping[str, str], when: MomentTexts
) -> Callable[[Sequence[AnswerEntry]], Markup]:
    """Returns the renderer of a question's answer blocks, in one piece.

    In Python rather than in the template: a round has tens of thousands of answers, and
    Jinja evaluating and escaping a dozen expressions for each was most of the render time.
    Every value is cleaned and escaped here (markupsafe.escape), as the template would.
    """
    typed_as = escape(_clean(labels["typed_as"]))
    status_words = {"submitted": escape(labels["submitted"]), "draft": escape(labels["draft"])}

    # A colleague's name, a partner and an item come back on many answers: once per document.
    # Not through _clean's cache: keeping tens of thousands of them would push the labels out.
    once = lru_cache(maxsize=None)(lambda value: escape(clean_text(value)))

    # Per status, all of the block around the name and the time, written once.
    frames: dict[str, tuple[str, str]] = {}

    def frame(status: str) -> tuple[str, str]:
        found = frames.get(status)
        if found is None:
            word = status_words.get(status) or escape(status)
            found = frames[status] = (
                f'<div class="answer {status}">\n      <p class="byline"><span class="who">',
                f'\n        <span class="badge {status}">{word}</span></p>\n      ',
            )
        return found

    # A partner as typed comes back in many answers: its list item is written once.
    mentions: dict[tuple[str, str], str] = {}

    def mention(m: PartnerMention) -> str:
        found = mentions.get((m.name, m.typed))
        if found is None:
            if m.differs:
                typed = once(m.typed)
                found = (
                    f'<li><span title="{typed_as}: {typed}">{once(m.name)}</span> '
                    f'<small class="typed">({typed_as}: {typed})</small></li>'
                )
            else:
                found = f"<li>{once(m.name)}</li>"
            mentions[(m.name, m.typed)] = found
        return found

    def block(answer: AnswerEntry, texts: Iterator[str]) -> str:
        head, badge = frame(answer.status)
        if answer.partners:
            body = f"<ul>{''.join([mention(m) for m in answer.partners])}</ul>"
        elif answer.items:
            body = "<ul>" + "".join(f"<li>{once(i)}</li>" for i in answer.items) + "</ul>"
        else:
            body = f'<p class="text">{next(texts)}</p>'
        # The time is digits: nothing to escape.
        moment = when[answer.updated_at]
        return f"{head}{once(answer.colleague)}</span> · {moment}{badge}{body}\n    </div>"

    def blocks(answers: Sequence[AnswerEntry]) -> Markup:
        # The texts of a question's answers, cleaned one by one and escaped in one call: a
        # cleaned text holds no NUL, so NUL can separate them (20,000 calls to escape fewer).
        plain = "\0".join(clean_text(a.text) for a in answers if not (a.partners or a.items))
        texts = iter(str.split(escape(plain), "\0"))
        return Markup("\n    ".join(block(a, texts) for a in answers))

    return blocks


def _trail_rows(overview: Overview, when: MomentTexts) -> Markup:
    """The rows of the trail (every answer, with its versions), in one piece.

    In Python for the reason the answer blocks are: one row per answer, six values each, in
    document order (Overview.answers). The names, themes and questions repeat on every row and
    are escaped once; dates and counts are digits and need no escaping.
    """
    repeated = lru_cache(maxsize=None)(lambda value: escape(_clean(value)))
    rows = []
    for theme in overview.themes:
        for question in theme.questions:
            # Theme and question are the same for every answer to it: written once.
            start = f"<tr><td>{repeated(theme.title)}</td><td>{repeated(question.text)}</td><td>"
            rows += [
                f'{start}{repeated(answer.colleague)}</td><td class="num">{answer.versions:d}'
                f"</td><td>{when[answer.created_at]}</td><td>{when[answer.updated_at]}</td></tr>"
                for answer in question.answers
            ]
    return Markup("\n      ".join(rows))


def _coverage_rows(coverage: Coverage, t: Catalogue) -> Markup:
    """The rows of the coverage table (a colleague each, a cell per theme), in one piece.

    In Python for the reason the answer blocks are: a row per colleague, a thousand in a large
    round, four values per cell. The states and their words are escaped once; a cell's
    fraction is digits.
    """
    words = {s: escape(_clean(wording.state_label(s, t))) for s in CellState}
    classes = {s: escape(_clean(s.value)) for s in CellState}
    rows = []
    for person in coverage.rows:
        cells = "".join(
            f'<td class="st-{classes[c.state]}" title="{words[c.state]}">{c.fraction}</td>'
            for c in person.cells
        )
        word = words[wording.CATEGORY_STATE[person.category]]
        rows.append(
            f'<tr><th scope="row">{escape(_clean(person.name))}</th>{cells}<td>{word}</td></tr>'
        )
    return Markup("\n      ".join(rows))


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
    when = MomentTexts(overview.language)  # the blocks and the trail show the same moments
    pieces = environment.get_template("overview.html.j2").generate(
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
        states=list(wording.CellState),
        contributors=lambda s: wording.contributors_text(s.submitted_by, s.drafting, t),
        answer_blocks=_answer_blocks(t.labels, when),
        trail_rows=lambda overview: _trail_rows(overview, when),
        coverage_rows=lambda coverage: _coverage_rows(coverage, t),
    )
    return _encoded(pieces)


def _encoded(pieces: Iterator[str]) -> bytes:
    """The document's pieces as UTF-8, encoded a stretch at a time.

    Joining all of a large overview into one string first (12 MB at 1,000 colleagues) and
    then encoding it costs a second copy of the document, twice the size where a single
    character outside Latin-1 (a dash in a label) makes Python store every character of it
    in two bytes. Stretches of about 64 KB keep the copies small; a piece that large by itself
    is encoded as it is, not copied into a stretch first.
    """
    out: list[bytes] = []
    stretch: list[str] = []
    size = 0
    for piece in pieces:
        if len(piece) >= 1 << 16:  # a question's answers, the trail: encoded as they are
            out.append("".join(stretch).encode("utf-8"))
            out.append(piece.encode("utf-8"))
            stretch.clear()
            size = 0
            continue
        stretch.append(piece)
        size += len(piece)
        if size >= 1 << 16:
            out.append("".join(stretch).encode("utf-8"))
            stretch.clear()
            size = 0
    out.append("".join(stretch).encode("utf-8"))
    return b"".join(out)
