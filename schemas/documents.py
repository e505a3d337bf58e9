"""What a meeting document says, as data: the pipeline decides the content (Regularien 4–7),
``outputs/`` only renders it (Word, PDF). Nothing here knows about files or templates.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class DocumentKind(StrEnum):
    """The kinds of document; the value is the command-line name and part of the file name."""

    EINLADUNG = "einladung"
    TAGESORDNUNG = "tagesordnung"
    SITZUNGSUNTERLAGEN = "sitzungsunterlagen"
    GRUENFASSUNG = "gruenfassung"
    NIEDERSCHRIFT_INTERN = "niederschrift-intern"
    NIEDERSCHRIFT_OEFFENTLICH = "niederschrift-oeffentlich"
    NIEDERSCHRIFT_VORKONFERENZ = "niederschrift-vorkonferenz"
    BESCHLUSSSAMMLUNG = "beschlusssammlung"  # intmk export: resolutions of a conference or a search


MEETING_KINDS = tuple(kind for kind in DocumentKind if kind is not DocumentKind.BESCHLUSSSAMMLUNG)
PUBLIC_KINDS = frozenset({DocumentKind.NIEDERSCHRIFT_OEFFENTLICH})

BlockKind = Literal["title", "heading", "paragraph", "bullets", "table", "page_break", "marking"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Block(_Model):
    """One piece of a document, rendered with a named style of the Word template.

    - ``title``: the document title (style "Title").
    - ``heading``: ``text`` at ``level`` 1–3 (styles "Heading 1"–"Heading 3"); a heading with a
      ``bookmark`` starts a TOP and gets a PDF bookmark of that name.
    - ``paragraph``: ``text``; paragraphs inside it are separated by a blank line; ``style`` may name
      another paragraph style of the template ("Beschlusstext", "Hinweis").
    - ``bullets``: ``items`` as a bulleted list (style "List Bullet").
    - ``table``: ``rows``, the first row is the header (style "Table Grid").
    - ``page_break``: a new page.
    - ``marking``: a confidentiality marking, e.g. "Nicht zur Veröffentlichung bestimmt" (style "Kennzeichnung").
    """

    kind: BlockKind
    text: str = ""
    level: int = Field(default=1, ge=1, le=3)
    items: list[str] = Field(default_factory=list)
    rows: list[list[str]] = Field(default_factory=list)
    style: str | None = None
    bookmark: str | None = None


class Attachment(_Model):
    """A PDF appended behind the document in its PDF (an original motion, an annex)."""

    title: str
    path: Path
    bookmark: str


class DocumentSpec(_Model):
    kind: DocumentKind
    file_stem: str = Field(pattern=r"^[A-Za-z0-9._-]+$", description="stable id, never extracted text")
    title: str = Field(description="'Niederschrift (intern)'")
    header: str = Field(description="page header: the conference, e.g. '23. IntMK, 10. und 11. Juni 2027, Mainz'")
    marking: str | None = Field(default=None, description="shown in every page header when set")
    letterhead: list[str] = Field(default_factory=list, description="lines of the Geschäftsstelle's letterhead")
    blocks: list[Block] = Field(default_factory=list)
    attachments: list[Attachment] = Field(default_factory=list)

    @property
    def public(self) -> bool:
        return self.kind in PUBLIC_KINDS
