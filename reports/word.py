"""The overview as a Word document (.docx), the document the plan is written from.

A title page (round, date, version, state of the intake), a real table-of-contents field,
the priority picture on a landscape page, a chapter (Heading 1) for every theme of the
template with its state of affairs and, per question (Heading 2), every answer; the gaps;
the partner matrix and the coverage on landscape pages. "Pagina X van Y" in the footer, the
document language from the template, and optionally a house-style template
(:mod:`reports.word_package`). The body is written as XML text (:mod:`reports.wordml`).
"""

from __future__ import annotations

from functools import lru_cache
from io import BytesIO
from pathlib import Path

from conversations.template import QuestionRole
from conversations.texts import Catalogue, catalogue
from reports import word_package as pkg
from reports import wordml as x
from reports.formatting import format_date, format_datetime
from reports.overview import Overview
from reports.progress import progress_line
from reports.sections import AnswerEntry, ThemeSection
from reports.word_package import MUTED, WARN, Styles
from reports.word_tables import (
    coverage_table,
    legend_table,
    partner_table,
    plain_table,
    priority_table,
)
from reports.wording import (
    choice_text,
    contributors_text,
    name_list,
    purged_notice,
    signal_text,
    version_text,
)


def render_docx(overview: Overview, template: Path | None = None) -> bytes:
    """Renders the overview as .docx; ``template``: a house-style .docx/.dotx (or None).

    Raises :class:`reports.word_package.DocxTemplateError` for a template it cannot use.
    """
    t = catalogue(overview.language)
    doc = pkg.open_package(template)
    house_style = template is not None
    pkg.page_setup(doc, house_style=house_style)
    styles = pkg.prepare_styles(doc, house_style=house_style)
    pkg.set_language(doc, overview.language)
    pkg.update_fields_on_open(doc)
    lab = t.labels
    pkg.add_footer(
        doc, f"{lab['document_title']} · {overview.round_name}", lab["page"], lab["page_of"]
    )
    pkg.set_properties(
        doc,
        f"{lab['document_title']} – {overview.round_name}",
        overview.template_title,
        overview.generated_at,
    )
    portrait, landscape = pkg.section_properties(doc)
    writer = _Body(overview, t, styles, pkg.usable_width(portrait), pkg.usable_width(landscape))
    if overview.purged:
        pkg.replace_body(doc, x.body(writer.write_purged(), portrait))
    else:
        pkg.replace_body(doc, x.body(writer.write(portrait, landscape), landscape))
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


class _Body:
    """Writes the body's XML, chapter by chapter."""

    def __init__(
        self, overview: Overview, t: Catalogue, styles: Styles, portrait: int, landscape: int
    ) -> None:
        self.o = overview
        self.t = t
        self.lab = t.labels
        self.s = styles
        self.portrait_width = portrait
        self.landscape_width = landscape
        self.parts: list[str] = []
        self.add = self.parts.append
        # (bookmark, title) of every Heading 1, in order: the contents are built from these.
        self.chapters: list[tuple[str, str]] = [("priorities", self.lab["priorities"])]
        self.chapters += [(f"theme_{i + 1}", s.title) for i, s in enumerate(overview.themes)]
        self.chapters += [
            ("gaps", self.lab["gaps"]),
            ("partners", self.lab["partners"]),
            ("coverage", self.lab["coverage"]),
            ("trail", self.lab["trail"]),
        ]
        self._ids = {name: i + 1 for i, (name, _) in enumerate(self.chapters)}
        # Names, partners and bylines come back on thousands of answers: each distinct run is
        # written once per document (answer texts themselves go through x.run).
        self.again = lru_cache(maxsize=None)(x.run)

    def write(self, portrait: str, landscape: str) -> list[str]:
        self.title_page()
        self.contents()
        self.add(x.paragraph(section=portrait))
        self.priorities()
        self.add(x.paragraph(section=landscape))
        for index, theme in enumerate(self.o.themes):
            self.theme(theme, index)
        self.gaps()
        self.add(x.paragraph(section=portrait))
        self.partners()
        self.coverage()
        self.trail()
        return self.parts

    def write_purged(self) -> list[str]:
        """A purged round: that it was erased, and the counts per theme and question."""
        o, lab = self.o, self.lab
        self.para(x.run(f"{lab['document_title']} · {o.template_title}"), self.s.subtitle)
        self.para(x.run(o.round_name), self.s.title)
        if o.closed_at is not None:
            self.labelled(lab["closed"], format_datetime(o.closed_at, o.language))
        if o.purged_at is not None:
            self.labelled(lab["purged"], format_datetime(o.purged_at, o.language))
        self.labelled(lab["generated"], format_datetime(o.generated_at, o.language))
        self.para(x.run(lab["purged_heading"]), self.s.heading1)
        self.para(x.run(purged_notice(o, self.t)))
        self.para(x.run(lab["purged_counts"]), self.s.heading2)
        widths = [x.twips(5.0), x.twips(9.0), x.twips(2.5)]
        widths[1] = max(self.portrait_width - widths[0] - widths[2], x.twips(4.0))
        header = [lab["theme"], lab["question"], lab["answer_count"]]
        rows = [[row.theme.title, row.question, str(row.answers)] for row in o.kept]
        self.add(plain_table(header, rows, widths))
        return self.parts

    # Building blocks

    def para(
        self,
        runs: str,
        style: str | None = None,
        *,
        keep_next: bool = False,
        page_break_before: bool = False,
        space_before: int | None = None,
        space_after: int | None = None,
    ) -> None:
        self.add(
            x.paragraph(
                runs,
                style=style,
                keep_next=keep_next,
                page_break_before=page_break_before,
                space_before=space_before,
                space_after=space_after,
            )
        )

    def muted(self, value: str, *, italic: bool = False) -> None:
        self.para(x.run(value, color=MUTED, italic=italic))

    def heading1(self, bookmark: str, title: str, *, page_break: bool = False) -> None:
        runs = x.bookmark(bookmark, self._ids[bookmark], x.run(title))
        self.para(runs, self.s.heading1, page_break_before=page_break)

    def labelled(self, label: str, value: str, *, color: str | None = None) -> None:
        """ "Label: value" on one line, the label bold."""
        self.para(x.run(f"{label}: ", bold=True) + x.run(value, color=color), space_after=20)

    def bullet(self, runs: str) -> None:
        self.para(runs, self.s.bullet, space_after=20)

    # Front matter

    def title_page(self) -> None:
        o, lab = self.o, self.lab
        self.para("", space_before=x.twips(5.0))
        self.para(x.run(f"{lab['document_title']} · {o.template_title}"), self.s.subtitle)
        self.para(x.run(o.round_name), self.s.title)
        deadline = format_date(o.deadline, o.language) or lab["no_deadline"]
        self.labelled(lab["template"], o.template_title)
        self.labelled(lab["deadline"], deadline)
        self.labelled(lab["generated"], format_datetime(o.generated_at, o.language))
        self.labelled(lab["version"], version_text(o, self.t))
        self.para(x.run(lab["title_state"], bold=True), space_before=x.twips(0.8), keep_next=True)
        line = progress_line(o.progress, self.t)
        counts = " — " + " · ".join(line.counts) if line.counts else ""
        self.para(x.run(line.head, bold=True) + x.run(counts))
        themes = f"{lab['summary_themes']}: {len(o.themes_with_input)} {lab['summary_of']} "
        answers = self.t.label("answers", count=o.answer_count)
        self.muted(f"{themes}{o.theme_count}; {answers}")

    def contents(self) -> None:
        """A TOC field, filled with an entry per chapter that links to it and shows its page."""
        self.para(x.run(self.lab["contents"]), self.s.toc_heading, page_break_before=True)
        last = len(self.chapters) - 1
        for index, (bookmark, title) in enumerate(self.chapters):
            entry = x.internal_link(
                bookmark,
                x.run(title) + x.tab_run() + x.field(f"PAGEREF {bookmark} \\h", "#"),
            )
            begin = x.field_begin('TOC \\o "1-1" \\h \\z \\u') if index == 0 else ""
            end = x.field_end() if index == last else ""
            self.para(begin + entry + end, self.s.toc1)
        self.para(
            x.run(self.lab["toc_hint"], size=8, color=MUTED, italic=True), space_before=x.twips(0.4)
        )

    def priorities(self) -> None:
        self.heading1("priorities", self.lab["priorities"])
        self.muted(self.lab["priorities_intro"], italic=True)
        self.add(priority_table(self.o.priorities, self.t, self.landscape_width))

    # Chapters

    def theme(self, theme: ThemeSection, index: int) -> None:
        lab, t = self.lab, self.t
        self.heading1(f"theme_{index + 1}", theme.title, page_break=index > 0)
        if theme.description:
            self.para(x.run(theme.description, italic=True))
        self.para(x.run(lab["state_of_affairs"]), self.s.heading2)
        nobody = lab["nobody"]
        self.labelled(lab["assigned"], name_list(theme.assigned, t, None) or nobody)
        if not theme.answer_count:
            self.labelled(lab["contributors"], lab["no_input_yet"])
        else:
            contributors = contributors_text(theme.submitted_by, theme.drafting, t)
            self.labelled(lab["contributors"], contributors)
        if theme.not_started:
            self.labelled(lab["not_started_heading"], name_list(theme.not_started, t, None))
        if theme.drafts_left_out:
            self.labelled(lab["drafts_left_out"], name_list(theme.drafts_left_out, t, None))
        if theme.answer_count and theme.open_questions:
            opened = "; ".join(q.text for q in theme.open_questions)
            self.labelled(lab["open_questions"], opened)
        row = self.o.priorities.for_theme(theme.key)
        if row is not None and theme.answer_count:
            if row.level is not None:
                self.labelled(lab["level"], choice_text(row.level, t, None) or "—")
            if row.capacity is not None:
                self.labelled(lab["capacity"], choice_text(row.capacity, t, None) or "—")
            for signal in row.signals:
                self.bullet(x.run(signal_text(signal, t, None), color=WARN))
        if not theme.answer_count:
            self.muted(lab["no_input_yet"], italic=True)
            return
        for question in theme.questions:
            self.para(x.run(question.text), self.s.heading2)
            if not question.answers:
                self.muted(lab["no_answers"], italic=True)
            for answer in question.answers:
                self.answer(answer, question.role)

    def answer(self, answer: AnswerEntry, role: QuestionRole | None) -> None:
        again = self.again
        when = format_datetime(answer.updated_at, self.o.language)
        byline = again(answer.colleague, bold=True, italic=True) + again(
            f" — {when} — {self.lab[answer.status]}", italic=True, color=MUTED
        )
        self.para(byline, keep_next=True, space_before=120, space_after=20)
        if answer.partners:
            typed = self.lab["typed_as"]
            for mention in answer.partners:
                name = again(mention.name)
                if mention.differs:
                    name += again(f"  ({typed}: {mention.typed})", size=8, color=MUTED)
                self.bullet(name)
        elif answer.items:
            for item in answer.items:
                self.bullet(x.run(item))
        else:
            # A "\n" becomes a line break, so multi-line answers keep their shape.
            self.para(x.run(answer.text))

    def gaps(self) -> None:
        lab, t, gaps = self.lab, self.t, self.o.gaps
        self.heading1("gaps", lab["gaps"], page_break=True)
        signals = self.o.priorities.signals
        if gaps.empty and not signals:
            self.muted(lab["no_gaps"], italic=True)
        if signals:
            self.para(x.run(lab["signals"]), self.s.heading2)
            for signal in signals:
                self.bullet(
                    x.run(f"{signal.theme.title}: ", bold=True) + x.run(signal_text(signal, t))
                )
        if gaps.themes_without_input:
            self.para(x.run(lab["themes_without_input"]), self.s.heading2)
            for gap in gaps.themes_without_input:
                who = (
                    f"{lab['assigned'].lower()} {name_list(gap.assigned, t)}"
                    if gap.assigned
                    else lab["unassigned"]
                )
                self.bullet(x.run(f"{gap.theme.title} — {who}"))
        if gaps.unanswered:
            self.para(x.run(lab["unanswered"]), self.s.heading2)
            for q in gaps.unanswered:
                optional = "" if q.required else f" ({lab['optional']})"
                self.bullet(x.run(f"{q.theme.title}: {q.question_text}{optional}"))
        if gaps.not_started:
            self.para(x.run(lab["not_started_heading"]), self.s.heading2)
            for person in gaps.not_started:
                state = lab["joined_no_answers"] if person.joined else lab["invite_not_opened"]
                themes = f" — {', '.join(person.themes)}" if person.themes else ""
                self.bullet(x.run(person.name) + x.run(f" ({state}){themes}", color=MUTED))
        if gaps.theme_not_started:
            self.para(x.run(lab["theme_not_started"]), self.s.heading2)
            for item in gaps.theme_not_started:
                self.bullet(
                    x.run(f"{item.theme.title}: ", bold=True)
                    + x.run(name_list(item.names, t, None))
                )
        if gaps.not_submitted:
            self.para(x.run(lab["not_submitted"]), self.s.heading2)
            self.para(x.run(name_list(gaps.not_submitted, t, None)))
        if gaps.unplaced:
            self.para(x.run(lab["unplaced"]), self.s.heading2)
            for kept in gaps.unplaced:
                when = format_datetime(kept.kept_at, self.o.language)
                self.bullet(
                    x.run(kept.colleague, bold=True)
                    + x.run(f" ({when}): ", color=MUTED)
                    + x.run(kept.text)
                )

    # Appendices, landscape

    def partners(self) -> None:
        self.heading1("partners", self.lab["partners"])
        if not self.o.partners.rows:
            self.muted(self.lab["no_partners"], italic=True)
            return
        self.add(partner_table(self.o.partners, self.t, self.landscape_width))

    def trail(self) -> None:
        """The audit appendix: per answer how many versions, the first and the last."""
        lab, o = self.lab, self.o
        self.heading1("trail", lab["trail"], page_break=True)
        self.muted(lab["trail_intro"], italic=True)
        if not o.answer_count:
            self.muted(lab["no_answers"], italic=True)
            return
        widths = [x.twips(w) for w in (4.0, 7.0, 4.0, 1.8, 3.4, 3.4)]
        widths[1] = max(self.landscape_width - sum(widths) + widths[1], x.twips(4.0))
        header = [
            lab["theme"],
            lab["question"],
            lab["colleague"],
            lab["versions"],
            lab["first_version"],
            lab["last_version"],
        ]
        rows = [
            [
                theme.title,
                question.text,
                answer.colleague,
                str(answer.versions),
                format_datetime(answer.created_at, o.language),
                format_datetime(answer.updated_at, o.language),
            ]
            for theme, question, answer in o.answers()
        ]
        self.add(plain_table(header, rows, widths))

    def coverage(self) -> None:
        self.heading1("coverage", self.lab["coverage"], page_break=True)
        self.muted(self.lab["coverage_intro"], italic=True)
        self.para(x.run(self.lab["legend"], bold=True, size=8), space_after=40)
        self.add(legend_table(self.t, self.landscape_width))
        self.para("", space_after=60)
        self.add(coverage_table(self.o.coverage, self.t, self.landscape_width))
