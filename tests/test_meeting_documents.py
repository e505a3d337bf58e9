"""The seven meeting documents as Word and PDF: golden text (not bytes), every file opens, and the
confidentiality of Regularien 5.3, 7 and 9.2: no internal-only field reaches a public document.

Golden files live in tests/golden/documents/; regenerate them after a deliberate change with
``INTMK_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_meeting_documents.py``.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from outputs.docx_writer import read_docx_text, render_docx
from outputs.pdf import find_soffice, read_pdf_text
from pipeline.documents_service import write_pdf
from pipeline.meeting.compose import compose_document
from pipeline.settings import Settings
from schemas.documents import MEETING_KINDS, PUBLIC_KINDS, DocumentKind
from tests.fixtures.meeting import CANARIES, PUBLIC_CONTROLS, build_meeting

pytestmark = pytest.mark.slow
GOLDEN = Path(__file__).parent / "golden" / "documents"
UPDATE = os.environ.get("INTMK_UPDATE_GOLDEN") == "1"
INTERNAL_MINUTES = DocumentKind.NIEDERSCHRIFT_INTERN


def build_all(folder: Path, *, canary: bool) -> dict[DocumentKind, tuple[bytes, bytes]]:
    """Every kind as (DOCX bytes, PDF bytes), through the same functions ``intmk documents`` uses."""
    meeting = build_meeting(folder, canary=canary)
    settings = Settings(home=folder)
    soffice = find_soffice()
    built = {}
    for kind in MEETING_KINDS:
        spec = compose_document(kind, meeting, originals=True)
        target = folder / f"{spec.file_stem}.docx"
        target.write_bytes(render_docx(spec))
        pdf = write_pdf(spec, target, soffice, settings, pdfa=False)
        built[kind] = (target.read_bytes(), pdf.read_bytes())
    return built


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> dict[DocumentKind, tuple[bytes, bytes]]:
    return build_all(tmp_path_factory.mktemp("plain"), canary=False)


@pytest.fixture(scope="module")
def canary_documents(tmp_path_factory) -> dict[DocumentKind, tuple[bytes, bytes]]:
    return build_all(tmp_path_factory.mktemp("canary"), canary=True)


def pdf_words(data: bytes) -> str:
    """The PDF's text with whitespace collapsed: line breaks depend on fonts, words do not."""
    return re.sub(r"\s+", " ", " ".join(read_pdf_text(data))).strip()


def compare_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE or not path.exists():
        assert UPDATE, f"Golden-Datei fehlt: {path} (mit INTMK_UPDATE_GOLDEN=1 erzeugen)"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n", encoding="utf-8")
    assert text + "\n" == path.read_text(encoding="utf-8"), f"{name} weicht von der Golden-Datei ab"


@pytest.mark.parametrize("kind", MEETING_KINDS, ids=lambda k: k.value)
def test_docx_text_matches_golden(documents, kind):
    compare_golden(f"{kind.value}.docx.txt", read_docx_text(documents[kind][0], with_header=True))


@pytest.mark.parametrize("kind", MEETING_KINDS, ids=lambda k: k.value)
def test_pdf_text_matches_golden(documents, kind):
    words = pdf_words(documents[kind][1])
    compare_golden(f"{kind.value}.pdf.txt", "\n".join(re.findall(r".{1,100}(?:\s|$)", words)).rstrip())


def test_every_document_opens_with_python_docx_and_pypdf(documents):
    for kind, (docx_bytes, pdf_bytes) in documents.items():
        document = docx.Document(io.BytesIO(docx_bytes))
        assert document.paragraphs, kind
        assert any(p.style.name.startswith("Heading") for p in document.paragraphs), kind
        reader = PdfReader(io.BytesIO(pdf_bytes))
        assert len(reader.pages) >= 1 and reader.pages[0].extract_text().strip(), kind


def test_meeting_pack_has_a_bookmark_per_top_and_the_originals(documents, tmp_path):
    reader = PdfReader(io.BytesIO(documents[DocumentKind.SITZUNGSUNTERLAGEN][1]))
    titles = [item.title for item in reader.outline]
    assert [t.split(":")[0] for t in titles if t.startswith("Beschlussvorlage")] == [
        f"Beschlussvorlage zu TOP {n}" for n in (3, 4, 5, 6)]
    for item in reader.outline:
        page = reader.get_destination_page_number(item)
        assert item.title.split(": ", 1)[-1][:20] in re.sub(r"\s+", " ", reader.pages[page].extract_text())


def test_same_inputs_give_the_same_text(documents, tmp_path):
    meeting = build_meeting(tmp_path)
    for kind in MEETING_KINDS:
        again = render_docx(compose_document(kind, meeting, originals=True))
        assert read_docx_text(again, with_header=True) == read_docx_text(documents[kind][0], with_header=True)


def document_texts(built: tuple[bytes, bytes]) -> dict[str, str]:
    """Texts without any whitespace: LibreOffice may break a marker inside a narrow table cell."""
    texts = {"DOCX": read_docx_text(built[0], with_header=True), "PDF": pdf_words(built[1])}
    return {form: squash(text) for form, text in texts.items()}


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("kind", sorted(PUBLIC_KINDS), ids=lambda k: k.value)
def test_no_internal_field_reaches_a_public_document(canary_documents, kind):
    for form, text in document_texts(canary_documents[kind]).items():
        leaked = [name for name, canary in CANARIES.items() if squash(canary) in text]
        assert not leaked, f"{kind.value} ({form}) enthält interne Felder: {leaked}"
        assert "Abstimmungsergebnis" not in text and "Teilnehmerliste" not in text
        for control in PUBLIC_CONTROLS:  # what may be published is there: the test is not vacuous
            assert squash(control) in text, f"{kind.value} ({form}) ohne „{control}“"


def test_every_internal_field_is_in_the_internal_minutes(canary_documents):
    texts = document_texts(canary_documents[INTERNAL_MINUTES])
    for name, canary in CANARIES.items():
        forms = ["PDF"] if name == "annex_file" else ["DOCX", "PDF"]  # the annex file is appended to the PDF
        for form in forms:
            assert squash(canary) in texts[form], f"{name} fehlt in der internen Niederschrift ({form})"


def test_pre_conference_minutes_are_marked_not_for_publication(documents):
    for text in document_texts(documents[DocumentKind.NIEDERSCHRIFT_VORKONFERENZ]).values():
        assert squash("Nicht zur Veröffentlichung bestimmt") in text
