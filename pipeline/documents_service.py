"""``intmk documents``: the meeting documents of a conference as Word files and PDFs in
``$INTMK_HOME/out/<body>-<number>/``, named from stable ids and written atomically."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from outputs.docx_writer import CoreProperties, render_docx
from outputs.pdf import add_bookmarks, check_attachable, convert_to_pdf, find_soffice
from pipeline.inbox.folders import resolve_folders
from pipeline.meeting.compose import compose_document
from pipeline.meeting.compose_originals import describe_originals
from pipeline.meeting.meeting import Meeting
from pipeline.meeting_service import load_meeting
from pipeline.service import worst_exit_code, write_bytes_atomically
from pipeline.settings import Settings
from pipeline.storage import Database
from schemas.documents import MEETING_KINDS, Attachment, DocumentKind, DocumentSpec
from schemas.errors import ConfigError, EnvironmentProblem, ErrorCode, ExitCode, InputError, IntmkError

ZIP_MAGIC = b"PK\x03\x04"  # a .docx; the archive holds PDFs, Word files and e-mails only


@dataclass(slots=True)
class BuiltDocument:
    kind: DocumentKind
    docx: Path
    pdf: Path | None = None
    removed_pdf: Path | None = None  # the PDF of an earlier run, no longer matching the Word file


@dataclass(slots=True)
class UnattachedFile:
    """An original or annex that is missing from its document's PDF, and why."""

    document: str  # the title of the document it belongs to, "Sitzungsunterlagen"
    attachment: Attachment
    reason: str  # short, for the line in the document
    problem: IntmkError  # full, for the command's output

    def describe(self) -> str:
        return (f"{self.attachment.bookmark} („{self.attachment.path.name}“) konnte nicht an das PDF "
                f"„{self.document}“ angehängt werden: {self.problem.message} Bitte die Datei prüfen "
                "(oder als PDF neu einreichen lassen) und den Befehl wiederholen.")


@dataclass(slots=True)
class DocumentsReport:
    folder: Path
    built: list[BuiltDocument] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pdf_problem: EnvironmentProblem | None = None
    unattached: list[UnattachedFile] = field(default_factory=list)

    @property
    def exit_code(self) -> ExitCode:
        """Partial success is not success: a file missing from a PDF gives its exit code."""
        problems = [*([self.pdf_problem] if self.pdf_problem else []), *(u.problem for u in self.unattached)]
        return worst_exit_code(problem.exit_code for problem in problems)


@dataclass(frozen=True, slots=True)
class DocumentOptions:
    pdf: bool = True
    pdfa: bool = False
    originals: bool = False  # append the originally submitted PDFs and Word files to the Sitzungsunterlagen


class NotAttachable(Exception):
    def __init__(self, reason: str, problem: IntmkError) -> None:
        super().__init__(problem.message)
        self.reason, self.problem = reason, problem


def build_documents(
    db: Database, settings: Settings, body: str, number: int,
    kinds: Sequence[DocumentKind] | None = None, options: DocumentOptions = DocumentOptions(),
) -> DocumentsReport:
    """Word files first; then the PDFs, so a missing LibreOffice still leaves every Word file.

    A PDF that is not rebuilt is removed: it would no longer match its new Word file.
    """
    check_template_dir(settings)
    meeting = load_meeting(db, settings, body, number)
    folder = resolve_folders(settings).out / f"{meeting.conference.body}-{meeting.conference.number}"
    report = DocumentsReport(folder, warnings=collect_warnings(meeting))
    specs = [compose_document(kind, meeting, originals=options.originals) for kind in kinds or MEETING_KINDS]
    soffice = locate_soffice(settings, report) if options.pdf else None
    if options.originals and soffice is None:
        report.warnings.append("Die Originale werden nur an das PDF der Sitzungsunterlagen angehängt; "
                               "ohne PDF ist keines angehängt.")
    with tempfile.TemporaryDirectory(prefix="intmk-anlagen-") as work:
        if soffice is not None:
            converter = AttachmentConverter(soffice, settings.pdf_timeout_seconds, Path(work))
            specs = [prepare_attachments(spec, converter, report) for spec in specs]
        write_word_files(specs, folder, settings, report)
        if soffice is not None:
            write_pdfs(specs, soffice, settings, options.pdfa or settings.pdfa, report)
    remove_stale_pdfs(report)
    return report


def check_template_dir(settings: Settings) -> None:
    """A mistyped template folder must not silently give the shipped template."""
    if settings.template_dir is not None and not settings.template_dir.is_dir():
        raise ConfigError(f"Der Vorlagenordner {settings.template_dir} (INTMK_TEMPLATE_DIR) existiert nicht.")


def locate_soffice(settings: Settings, report: DocumentsReport) -> str | None:
    try:
        return find_soffice(settings.soffice)
    except EnvironmentProblem as exc:
        report.pdf_problem = exc
        return None


def write_word_files(specs: Sequence[DocumentSpec], folder: Path, settings: Settings, report: DocumentsReport) -> None:
    """Every Word file of this run with the same author and time (Datei > Informationen)."""
    properties = CoreProperties(author=settings.office_name)
    for spec in specs:
        target = folder / f"{spec.file_stem}.docx"
        write_bytes_atomically(target, render_docx(spec, settings.template_dir, properties))
        report.built.append(BuiltDocument(spec.kind, target))


def write_pdfs(specs: Sequence[DocumentSpec], soffice: str, settings: Settings, pdfa: bool, report: DocumentsReport) -> None:
    if pdfa and any(spec.attachments for spec in specs):
        report.warnings.append("PDF/A: angehängte Originale und Anlagen werden nicht nach PDF/A umgewandelt; "
                               "die Gesamtdatei ist dann nicht mehr sicher PDF/A-konform.")
    try:
        for spec, built in zip(specs, report.built, strict=True):
            built.pdf = write_pdf(spec, built.docx, soffice, settings, pdfa)
    except EnvironmentProblem as exc:
        report.pdf_problem = exc


def write_pdf(spec: DocumentSpec, docx: Path, soffice: str, settings: Settings, pdfa: bool) -> Path:
    """LibreOffice converts the Word file; pypdf adds a bookmark per TOP and the attachments."""
    pdf = convert_to_pdf(docx, soffice=soffice, timeout=settings.pdf_timeout_seconds, pdfa=pdfa)
    bookmarks = [block.bookmark for block in spec.blocks if block.bookmark]
    attachments = [a for a in spec.attachments if a.path.is_file()]  # a vanished annex is warned about
    if bookmarks or attachments:
        pdf = add_bookmarks(pdf, bookmarks, attachments)
    return write_bytes_atomically(docx.with_suffix(".pdf"), pdf)


def remove_stale_pdfs(report: DocumentsReport) -> None:
    """The PDF beside a rewritten Word file that was not rebuilt (``--ohne-pdf``, no LibreOffice, a
    failed conversion) shows the old content: remove it, and say so. Other kinds' PDFs stay."""
    for built in report.built:
        stale = built.docx.with_suffix(".pdf")
        if built.pdf is not None or not stale.is_file():
            continue
        try:
            stale.unlink()
        except OSError as exc:
            report.warnings.append(f"Die veraltete PDF-Datei {stale} konnte nicht entfernt werden ({exc.strerror}); "
                                   "bitte von Hand löschen, sie passt nicht mehr zur Word-Datei.")
            continue
        built.removed_pdf = stale
        report.warnings.append(f"Veraltete PDF-Datei entfernt (passt nicht mehr zur neuen Word-Datei): {stale}")


@dataclass(frozen=True, slots=True)
class AttachmentConverter:
    """Makes an attachment appendable: a Word file becomes a PDF in ``work``; a PDF must open."""

    soffice: str
    timeout: float
    work: Path

    def make_attachable(self, attachment: Attachment) -> Attachment:
        if not attachment.path.is_file():
            raise NotAttachable("die Datei fehlt", EnvironmentProblem(f"Die Datei {attachment.path} fehlt."))
        if is_word_file(attachment.path):
            attachment = attachment.model_copy(update={"path": self.convert_word(attachment)})
        try:
            check_attachable(attachment.path, f"„{attachment.title}“")
        except InputError as exc:
            reason = "mit einem Kennwort geschützt" if exc.code is ErrorCode.ENCRYPTED else "die Datei ist beschädigt"
            raise NotAttachable(reason, exc) from exc
        return attachment

    def convert_word(self, attachment: Attachment) -> Path:
        try:
            pdf = convert_to_pdf(attachment.path, soffice=self.soffice, timeout=self.timeout)
        except EnvironmentProblem as exc:
            raise NotAttachable("die Word-Datei ließ sich nicht in PDF umwandeln", exc) from exc
        target = self.work / f"{len(list(self.work.iterdir())) + 1}.pdf"
        target.write_bytes(pdf)
        return target


def is_word_file(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == ZIP_MAGIC


def prepare_attachments(spec: DocumentSpec, converter: AttachmentConverter, report: DocumentsReport) -> DocumentSpec:
    """Word originals converted, unreadable files left out; the Sitzungsunterlagen list every
    original and say which could not be appended (Regularien 4.1)."""
    pack = spec.kind is DocumentKind.SITZUNGSUNTERLAGEN
    ready: list[Attachment] = []
    listed: list[tuple[Attachment, str | None]] = []
    for attachment in spec.attachments:
        if not pack and not attachment.path.is_file():
            continue  # a vanished annex: collect_warnings told the clerk
        try:
            ready.append(converter.make_attachable(attachment))
            listed.append((attachment, None))
        except NotAttachable as exc:
            report.unattached.append(UnattachedFile(spec.title, attachment, exc.reason, exc.problem))
            listed.append((attachment, exc.reason))
    blocks = [*spec.blocks, *describe_originals(listed)] if pack else spec.blocks
    return spec.model_copy(update={"attachments": ready, "blocks": blocks})


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
