"""``intmk documents``: the meeting documents of a conference as Word files and PDFs in
``$INTMK_HOME/out/<body>-<number>/``, named from stable ids and written atomically."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from outputs.docx_writer import render_docx
from outputs.pdf import add_bookmarks, convert_to_pdf, find_soffice
from pipeline.inbox.folders import resolve_folders
from pipeline.meeting.compose import compose_document
from pipeline.meeting.meeting import Meeting
from pipeline.meeting_service import load_meeting
from pipeline.service import write_bytes_atomically
from pipeline.settings import Settings
from pipeline.storage import Database
from schemas.documents import MEETING_KINDS, DocumentKind, DocumentSpec
from schemas.errors import ConfigError, EnvironmentProblem


@dataclass(slots=True)
class BuiltDocument:
    kind: DocumentKind
    docx: Path
    pdf: Path | None = None


@dataclass(slots=True)
class DocumentsReport:
    folder: Path
    built: list[BuiltDocument] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pdf_problem: EnvironmentProblem | None = None


@dataclass(frozen=True, slots=True)
class DocumentOptions:
    pdf: bool = True
    pdfa: bool = False
    originals: bool = False  # append the originally submitted PDFs to the Sitzungsunterlagen


def build_documents(
    db: Database, settings: Settings, body: str, number: int,
    kinds: Sequence[DocumentKind] | None = None, options: DocumentOptions = DocumentOptions(),
) -> DocumentsReport:
    """Word files first; then the PDFs, so a missing LibreOffice still leaves every Word file."""
    check_template_dir(settings)
    meeting = load_meeting(db, settings, body, number)
    folder = resolve_folders(settings).out / f"{meeting.conference.body}-{meeting.conference.number}"
    report = DocumentsReport(folder, warnings=collect_warnings(meeting))
    specs = [compose_document(kind, meeting, originals=options.originals) for kind in kinds or MEETING_KINDS]
    pdfa = options.pdfa or settings.pdfa
    if pdfa and any(spec.attachments for spec in specs):
        report.warnings.append("PDF/A: angehängte Originale und Anlagen werden nicht nach PDF/A umgewandelt; "
                               "die Gesamtdatei ist dann nicht mehr sicher PDF/A-konform.")
    for spec in specs:
        target = folder / f"{spec.file_stem}.docx"
        write_bytes_atomically(target, render_docx(spec, settings.template_dir))
        report.built.append(BuiltDocument(spec.kind, target))
    if options.pdf:
        try:
            soffice = find_soffice(settings.soffice)
            for spec, built in zip(specs, report.built, strict=True):
                built.pdf = write_pdf(spec, built.docx, soffice, settings, pdfa)
        except EnvironmentProblem as exc:
            report.pdf_problem = exc
    return report


def check_template_dir(settings: Settings) -> None:
    """A mistyped template folder must not silently give the shipped template."""
    if settings.template_dir is not None and not settings.template_dir.is_dir():
        raise ConfigError(f"Der Vorlagenordner {settings.template_dir} (INTMK_TEMPLATE_DIR) existiert nicht.")


def write_pdf(spec: DocumentSpec, docx: Path, soffice: str, settings: Settings, pdfa: bool) -> Path:
    """LibreOffice converts the Word file; pypdf adds a bookmark per TOP and the attachments."""
    pdf = convert_to_pdf(docx, soffice=soffice, timeout=settings.pdf_timeout_seconds, pdfa=pdfa)
    bookmarks = [block.bookmark for block in spec.blocks if block.bookmark]
    attachments = [a for a in spec.attachments if a.path.is_file()]  # a vanished annex is warned about
    if bookmarks or attachments:
        pdf = add_bookmarks(pdf, bookmarks, attachments)
    return write_bytes_atomically(docx.with_suffix(".pdf"), pdf)


def collect_warnings(meeting: Meeting) -> list[str]:
    """What the clerk should know before sending: missing votes, admissions, participants."""
    warnings = []
    if not meeting.agenda.motions:
        warnings.append("Für diese Konferenz sind keine Beschlussvorschläge gespeichert.")
    if meeting.inputs.votes:
        for resolution in meeting.main:
            if not resolution.voted:
                warnings.append(f"TOP {resolution.top}: keine Abstimmung der Hauptkonferenz erfasst.")
            if (resolution.admission_required and not resolution.admitted) or resolution.blocked_by_bundesrat:
                warnings.extend(f"TOP {resolution.top}: {note}" for note in resolution.notes)
    for resolution in meeting.main:
        for decision in resolution.annexes:
            if decision.annex.file and not Path(decision.annex.file).is_file():
                warnings.append(f"TOP {resolution.top}: Anlage „{decision.annex.title}“ nicht mehr vorhanden ({decision.annex.file}).")
    return warnings
