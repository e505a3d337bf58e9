"""The working folders under ``INTMK_HOME`` (RELIABILITY.md rule 1).

Originals only move: inbox → processing → archive / quarantine / duplicates. The folders must be
disjoint (a folder inside another would make the pipeline read its own output) and outside the
code tree (a clean-up of the code must never touch a clerk's files).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

from pipeline.settings import Settings
from schemas.errors import ConfigError

# The package folders of the product itself; no working folder may lie in or contain them.
PROJECT_ROOT = Path(__file__).resolve().parents[2]
CODE_FOLDERS = tuple(PROJECT_ROOT / name for name in ("schemas", "extractors", "pipeline", "outputs", "tests", "benchmarks"))

LABELS = {
    "inbox": "Eingang",
    "processing": "in Arbeit",
    "archive": "Archiv",
    "quarantine": "Quarantäne",
    "duplicates": "Dubletten",
    "out": "Ausgabe",
}


@dataclass(frozen=True, slots=True)
class Folders:
    inbox: Path
    processing: Path
    archive: Path
    quarantine: Path
    duplicates: Path
    out: Path

    def items(self) -> list[tuple[str, Path]]:
        return [(f.name, getattr(self, f.name)) for f in fields(self)]

    def resolve(self, location: str) -> Path:
        """The path of a stored location ``"archive:ab/abcd….pdf"``."""
        kind, _, inner = location.partition(":")
        return getattr(self, kind) / inner

    def locate(self, kind: str, path: Path) -> str:
        return f"{kind}:{path.relative_to(getattr(self, kind)).as_posix()}"


def resolve_folders(settings: Settings) -> Folders:
    """The folders the settings name, each defaulting to a subfolder of ``home``."""
    chosen = {}
    for f in fields(Folders):
        override = getattr(settings, f"{f.name}_dir")
        chosen[f.name] = (override or settings.home / f.name).expanduser().resolve()
    return Folders(**chosen)


def prepare_folders(settings: Settings, code_folders: tuple[Path, ...] = CODE_FOLDERS) -> Folders:
    """Resolve, check and create the folders; a bad layout is a configuration error."""
    folders = resolve_folders(settings)
    check_folders(folders, code_folders)
    for name, path in folders.items():
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"Ordner {LABELS[name]} ({path}) kann nicht angelegt werden: {exc.strerror}") from exc
    return folders


def check_folders(folders: Folders, code_folders: tuple[Path, ...] = CODE_FOLDERS) -> None:
    items = folders.items()
    for index, (name, path) in enumerate(items):
        for other_name, other in items[index + 1 :]:
            if _overlaps(path, other):
                raise ConfigError(
                    f"Die Ordner {LABELS[name]} ({path}) und {LABELS[other_name]} ({other}) überschneiden sich; "
                    "jeder Arbeitsordner braucht einen eigenen Platz."
                )
        for code in code_folders:
            if _overlaps(path, code.resolve()):
                raise ConfigError(
                    f"Der Ordner {LABELS[name]} ({path}) liegt im Programmcode ({code}); "
                    f"bitte INTMK_HOME oder INTMK_{name.upper()}_DIR auf einen Ordner außerhalb setzen."
                )


def _overlaps(a: Path, b: Path) -> bool:
    return a == b or a.is_relative_to(b) or b.is_relative_to(a)
