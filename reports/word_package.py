"""The package around the Word overview: default or house-style template, styles, language,
page setup, footer and fields. The body itself is written by :mod:`reports.word`.

A house style is any .docx or .dotx (``--docx-template``, ``THEMABOT_DOCX_TEMPLATE``): its
styles, page size, margins, headers and footers are used; its body text is not. Styles the
overview needs and the template lacks are added, so any template works.
"""

from __future__ import annotations

import contextlib
import copy
import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.opc.exceptions import OpcError
from docx.opc.oxml import serialize_part_xml
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.parts.document import DocumentPart
from docx.shared import Cm, Pt, RGBColor
from lxml import etree
from msgspec import Struct

from reports import wordml
from reports.errors import DocxTemplateError

ACCENT = "0B5394"
MUTED = "5B6675"
WARN = "8A1C1C"
# The document language per catalogue language: Word's spelling check and hyphenation use it.
LANGUAGE_TAGS = {"nl": "nl-NL", "en": "en-GB"}
_DOCUMENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_TEMPLATE_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"


class Styles(Struct, frozen=True):
    """Style ids of the styles the overview uses, as this document spells them.

    A Dutch Word saves "Heading 1" as id "Kop1": ids are looked up by name, once per document.
    """

    title: str
    subtitle: str
    heading1: str
    heading2: str
    toc_heading: str
    toc1: str
    bullet: str
    normal: str


def open_package(template: Path | None) -> DocumentObject:
    """A python-docx document: the built-in default, or the house-style template at ``template``.

    Raises DocxTemplateError naming the file and the reason when it cannot be used.
    """
    if template is None:
        return Document()
    try:
        data = Path(template).read_bytes()
        return Document(io.BytesIO(_as_document(data)))
    except FileNotFoundError:
        raise DocxTemplateError(template, "missing") from None
    except OSError as exc:
        raise DocxTemplateError(template, "unreadable", str(exc.strerror or exc), exc) from None
    except (zipfile.BadZipFile, OpcError, KeyError, ValueError, etree.XMLSyntaxError):
        raise DocxTemplateError(template, "not_word") from None


def check_template(template: Path) -> None:
    """Raises DocxTemplateError when ``template`` cannot serve as the house style."""
    open_package(template)


def _as_document(data: bytes) -> bytes:
    """A .dotx made openable as a .docx (python-docx refuses the template content type)."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        types = source.read("[Content_Types].xml")
        if _TEMPLATE_TYPE.encode() not in types:
            return data
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                content = source.read(item.filename)
                if item.filename == "[Content_Types].xml":
                    content = content.replace(_TEMPLATE_TYPE.encode(), _DOCUMENT_TYPE.encode())
                target.writestr(item, content)
        return out.getvalue()


def _style_id(doc: DocumentObject, name: str, *, based_on: str | None = None) -> str:
    """The id of the paragraph style ``name``; added (based on ``based_on``) when missing."""
    try:
        return str(doc.styles[name].style_id)
    except KeyError:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        if based_on is not None:
            with contextlib.suppress(KeyError):
                style.base_style = doc.styles[based_on]
        style.quick_style = True
        return str(style.style_id)


def prepare_styles(doc: DocumentObject, *, house_style: bool) -> Styles:
    """Resolves (and where missing adds) the styles; our look only without a house style."""
    styles = Styles(
        title=_style_id(doc, "Title"),
        subtitle=_style_id(doc, "Subtitle"),
        heading1=_style_id(doc, "Heading 1"),
        heading2=_style_id(doc, "Heading 2"),
        toc_heading=_style_id(doc, "TOC Heading", based_on="Heading 1"),
        toc1=_style_id(doc, "toc 1", based_on="Normal"),
        bullet=_style_id(doc, "List Bullet", based_on="Normal"),
        normal=_style_id(doc, "Normal"),
    )
    if not house_style:
        normal = doc.styles["Normal"]
        normal.font.name = "Calibri"
        normal.font.size = Pt(10.5)
        normal.paragraph_format.space_after = Pt(4)
        for name, size in (("Title", 26), ("Heading 1", 16), ("Heading 2", 12)):
            doc.styles[name].font.color.rgb = RGBColor.from_string(ACCENT)
            doc.styles[name].font.size = Pt(size)
        doc.styles["Heading 2"].paragraph_format.space_before = Pt(12)
    toc = doc.styles["toc 1"].paragraph_format
    toc.space_after = Pt(3)
    if not toc.tab_stops:
        toc.tab_stops.add_tab_stop(Cm(16.5), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    return styles


def set_language(doc: DocumentObject, language: str) -> str:
    """Marks the document's text as ``language`` (nl-NL, en-GB); returns the tag.

    Set on the document defaults and on every style that names a language, so a template
    made in an English Word does not underline every Dutch word.
    """
    tag = LANGUAGE_TAGS.get(language, LANGUAGE_TAGS["nl"])
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = etree.SubElement(styles, qn("w:docDefaults"))
        styles.insert(0, defaults)
    r_default = defaults.find(qn("w:rPrDefault"))
    if r_default is None:
        r_default = etree.Element(qn("w:rPrDefault"))
        defaults.insert(0, r_default)
    r_pr = r_default.find(qn("w:rPr"))
    if r_pr is None:
        r_pr = etree.SubElement(r_default, qn("w:rPr"))
    if r_pr.find(qn("w:lang")) is None:
        etree.SubElement(r_pr, qn("w:lang"))
    for lang in styles.iter(qn("w:lang")):
        lang.set(qn("w:val"), tag)
        if lang.get(qn("w:eastAsia")) is not None:
            lang.set(qn("w:eastAsia"), tag)
    for lang in doc.settings.element.iter(qn("w:themeFontLang")):
        lang.set(qn("w:val"), tag)
    doc.core_properties.language = tag
    return tag


# Elements of w:settings that must follow w:updateFields (the schema fixes their order).
_AFTER_UPDATE_FIELDS = (
    "hdrShapeDefaults",
    "footnotePr",
    "endnotePr",
    "compat",
    "docVars",
    "rsids",
    "mathPr",
    "attachedSchema",
    "themeFontLang",
    "clrSchemeMapping",
)


def update_fields_on_open(doc: DocumentObject) -> None:
    """Asks Word to update fields when the file opens: the contents get its page numbers."""
    settings = doc.settings.element
    for old in settings.findall(qn("w:updateFields")) + settings.findall(qn("w:proofState")):
        settings.remove(old)  # proofState "clean" would tell Word the spelling was checked
    flag = etree.Element(qn("w:updateFields"))
    flag.set(qn("w:val"), "true")
    following = [settings.find(qn(f"w:{name}")) for name in _AFTER_UPDATE_FIELDS]
    anchor = next((el for el in following if el is not None), None)
    if anchor is not None:
        anchor.addprevious(flag)
    else:
        settings.append(flag)


def page_setup(doc: DocumentObject, *, house_style: bool) -> None:
    """A4 with our margins, unless the house style brings its own page."""
    if house_style:
        return
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = section.bottom_margin = Cm(2.0)


def add_footer(doc: DocumentObject, words: str, page: str, of: str) -> None:
    """ "Overzichtsbeeld · round · Pagina X van Y", unless the house style has a footer."""
    section = doc.sections[0]
    footer = section.footer
    has_own = not footer.is_linked_to_previous and any(
        p.text.strip() or p._p.xpath(".//w:fldSimple|.//w:fldChar") for p in footer.paragraphs
    )
    if has_own:
        return
    props = wordml.run_properties(size=8, color=MUTED)
    content = (
        wordml.run(f"{words} · {page} ", size=8, color=MUTED)
        + wordml.field("PAGE", "1", props)
        + wordml.run(f" {of} ", size=8, color=MUTED)
        + wordml.field("NUMPAGES", "1", props)
    )
    xml = wordml.paragraph(content, align="center")
    element = parse_xml(f'<w:ftr xmlns:w="{wordml.W_NS}">{xml}</w:ftr>'.encode())[0]
    footer_element = footer._element
    for old in list(footer_element):
        footer_element.remove(old)
    footer_element.append(element)


def section_properties(doc: DocumentObject) -> tuple[str, str]:
    """The final section's properties as XML: portrait and landscape, same headers/footers."""
    body = doc.element.body
    found = body.find(qn("w:sectPr"))
    sect = copy.deepcopy(found) if found is not None else etree.Element(qn("w:sectPr"))
    for kind in sect.findall(qn("w:type")):
        sect.remove(kind)
    size = sect.find(qn("w:pgSz"))
    if size is None:
        size = etree.SubElement(sect, qn("w:pgSz"))
        size.set(qn("w:w"), str(wordml.twips(21.0)))
        size.set(qn("w:h"), str(wordml.twips(29.7)))
    width, height = sorted((int(size.get(qn("w:w"), "11906")), int(size.get(qn("w:h"), "16838"))))
    size.set(qn("w:w"), str(width))
    size.set(qn("w:h"), str(height))
    if qn("w:orient") in size.attrib:
        del size.attrib[qn("w:orient")]
    portrait = etree.tostring(sect, encoding="unicode")
    size.set(qn("w:w"), str(height))
    size.set(qn("w:h"), str(width))
    size.set(qn("w:orient"), "landscape")
    landscape = etree.tostring(sect, encoding="unicode")
    return portrait, landscape


def usable_width(section_xml: str) -> int:
    """The text width of a section in twips: page width less the left and right margins."""
    sect = etree.fromstring(section_xml)
    size, margins = sect.find(qn("w:pgSz")), sect.find(qn("w:pgMar"))
    width = int(size.get(qn("w:w"), "11906")) if size is not None else 11906
    if margins is None:
        return width - 2 * 1247
    return width - int(margins.get(qn("w:left"), "1247")) - int(margins.get(qn("w:right"), "1247"))


class _WrittenDocumentPart(DocumentPart):
    """The main document part with its bytes as written (see :func:`replace_body`)."""

    written: bytes

    @property
    def blob(self) -> bytes:
        return self.written


def replace_body(doc: DocumentObject, xml: bytes) -> None:
    """Puts the written body in place of the package's (the template's text goes).

    The body goes into the file as written, never parsed: parsing a 20,000-answer body into
    lxml only to serialise it again on save was a third of the Word overview's time and most
    of its memory (3.3 GB at 5,000 colleagues). Moving parsed elements between documents is
    worse still (lxml reconciles namespaces node by node). The tests open every document they
    make, so a body that is not well-formed XML fails there, not at a coordinator's desk.
    """
    part = doc.part
    root = part.element
    old = root.find(qn("w:body"))
    if old is not None:
        root.remove(old)
    shell = serialize_part_xml(root)  # with the XML declaration, as python-docx writes it
    if shell.endswith(b"/>"):
        shell = shell[:-2] + b"></w:document>"
    head, _, tail = shell.rpartition(b"</w:document>")
    written = head + xml + b"</w:document>" + tail
    if type(part) is DocumentPart:
        part.__class__ = _WrittenDocumentPart
        assert isinstance(part, _WrittenDocumentPart)
        part.written = written
    else:  # a package python-docx reads in a way of its own: the slow, sure way
        part._element = parse_xml(written)


def set_properties(doc: DocumentObject, title: str, subject: str, created: datetime) -> None:
    """Title, subject, author and creation time of the file."""
    props = doc.core_properties
    props.title = title[:255]
    props.subject = subject[:255]
    props.author = "themabot"
    # The OOXML timestamp is written with a "Z": give it UTC, not local time.
    props.created = created.astimezone(UTC) if created.tzinfo else created
