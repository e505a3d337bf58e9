"""Build the example inbox for `make demo` from the real sample text (../shared/samples).

Writes the golden layouts (PDF) plus one DOCX motion and one deliberately unreadable file, so the
demo shows both records and a classified rejection. Run: python examples/build_inbox.py DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fixtures.layouts import DOCX_LAYOUTS, PDF_LAYOUTS  # noqa: E402


def build_inbox(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [build(folder).path for build in (*PDF_LAYOUTS.values(), *DOCX_LAYOUTS.values())]
    broken = folder / "abgebrochene-uebertragung.pdf"
    broken.write_bytes(paths[0].read_bytes()[:600])
    return [*paths, broken]


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "examples/inbox")
    for path in build_inbox(target):
        print(path)
