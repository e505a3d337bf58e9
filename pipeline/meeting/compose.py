"""Which function composes which meeting document (Regularien 4.1–4.3, 5.3, 7)."""

from __future__ import annotations

from collections.abc import Callable

from pipeline.meeting.compose_agenda import compose_agenda, compose_invitation, compose_meeting_pack
from pipeline.meeting.compose_minutes import (
    compose_green_version,
    compose_internal_minutes,
    compose_pre_conference_minutes,
    compose_public_minutes,
)
from pipeline.meeting.meeting import Meeting
from schemas.documents import DocumentKind, DocumentSpec

COMPOSERS: dict[DocumentKind, Callable[[Meeting], DocumentSpec]] = {
    DocumentKind.EINLADUNG: compose_invitation,
    DocumentKind.TAGESORDNUNG: compose_agenda,
    DocumentKind.SITZUNGSUNTERLAGEN: compose_meeting_pack,
    DocumentKind.GRUENFASSUNG: compose_green_version,
    DocumentKind.NIEDERSCHRIFT_INTERN: compose_internal_minutes,
    DocumentKind.NIEDERSCHRIFT_OEFFENTLICH: compose_public_minutes,
    DocumentKind.NIEDERSCHRIFT_VORKONFERENZ: compose_pre_conference_minutes,
}


def compose_document(kind: DocumentKind, meeting: Meeting, *, originals: bool = False) -> DocumentSpec:
    """``originals``: append the submitted PDFs to the Sitzungsunterlagen."""
    if kind is DocumentKind.SITZUNGSUNTERLAGEN:
        return compose_meeting_pack(meeting, originals=originals)
    return COMPOSERS[kind](meeting)
