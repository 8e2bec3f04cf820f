"""The overview's audit appendix and a purged round's document, in every format."""

from __future__ import annotations

import io
import pickle
from datetime import timedelta

import docx
import openpyxl
from msgspec.structs import replace
from report_fixtures import NOW, T0, make_snapshot

from reports.overview import build_overview
from reports.render import FORMATS, render
from reports.summary import summary_text
from storage.records import Kept, KeptCount


def readable(fmt: str, content: bytes) -> str:
    if fmt == "docx":
        document = docx.Document(io.BytesIO(content))
        cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    if fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(content))
        return "\n".join(
            str(v) for s in book.worksheets for r in s.iter_rows(values_only=True) for v in r
        )
    return content.decode("utf-8-sig")


def edited_snapshot():
    """Anna's first answer went through three versions, over two days."""
    snapshot = make_snapshot()
    first, *rest = snapshot.answers
    edited = replace(first, versions=3, updated_at=first.created_at + timedelta(days=2))
    return replace(snapshot, answers=(edited, *rest))


def test_the_audit_appendix_gives_every_answer_its_versions_first_and_last_edit():
    overview = build_overview(edited_snapshot(), NOW)
    (edited,) = [a for _, _, a in overview.answers() if a.versions == 3]
    assert edited.colleague == "Anna de Vries"
    assert edited.updated_at - edited.created_at == timedelta(days=2)
    for fmt in FORMATS:
        shown = readable(fmt, render(overview, fmt))
        if fmt in ("html", "md", "docx"):
            assert "Bewerkingsgeschiedenis" in shown and "Eerste versie" in shown, fmt
        assert "Versies" in shown, fmt
    book = openpyxl.load_workbook(io.BytesIO(render(overview, "xlsx")))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    header, first = rows[0], rows[1]
    assert header[-2:] == ("Versies", "Eerste versie")
    assert first[-2] == 3 and first[-1].isoformat() == "2025-03-04T09:00:00"  # local time
    markdown = render(overview, "md").decode()
    assert "| Anna de Vries | 3 | 04-03-2025 09:00 | 06-03-2025 09:00 |" in markdown


def purged_snapshot():
    snapshot = make_snapshot()
    round_ = replace(
        snapshot.round, closed_at=T0 + timedelta(days=10), purged_at=T0 + timedelta(days=40)
    )
    kept = Kept(
        colleagues=3,
        submitted=1,
        counts=(KeptCount("woonoverlast", "inhoud", 2), KeptCount("ondermijning", "bibob", 1)),
    )
    return replace(snapshot, round=round_, participants=(), answers=(), pending_invites=(),
                   partner_merges={}, kept=kept)  # fmt: skip


def test_a_purged_rounds_document_says_so_and_holds_only_the_counts():
    overview = build_overview(purged_snapshot(), NOW)
    assert overview.purged and overview.answer_count == 0
    pickle.loads(pickle.dumps(overview))  # still goes to the document worker
    for fmt in FORMATS:
        shown = readable(fmt, render(overview, fmt))
        assert "Aanpak woonoverlast" in shown and "Hoe loopt de Bibob-toets?" in shown, fmt
        assert "Digitale veiligheid" in shown, fmt  # a theme nobody answered: 0, not left out
        for name in ("Anna", "Bram", "Carla", "Dirk", "Eva", "meldpunt"):
            assert name not in shown, (fmt, name)
        if fmt != "csv":
            assert "Deze ronde is gewist" in shown and "3 deelnemers" in shown, fmt
    rows = readable("csv", render(overview, "csv")).splitlines()
    assert rows[0] == "Ronde;Thema;Vraag;Antwoorden"
    assert "IVP 2027-2030;Aanpak woonoverlast;Waar gaat dit thema over?;2" in rows
    assert "IVP 2027-2030;Digitale veiligheid;Waar gaat dit thema over?;0" in rows
    assert summary_text(overview).startswith("Deze ronde is gewist.")
