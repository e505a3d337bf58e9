"""Render one page of each meeting document PDF to PNG, so a reader of docs/ sees what they look like.

Run after `make demo`:  python scripts/render_previews.py var/demo/out/IntMK-23 docs/dokumente
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from outputs.pdf import render_page_png  # noqa: E402
from schemas.documents import MEETING_KINDS, DocumentKind  # noqa: E402

# The page that shows each kind best: the agenda of the invitation, the first Beschlussvorlage.
PAGES = {DocumentKind.EINLADUNG: 2, DocumentKind.SITZUNGSUNTERLAGEN: 3}


def render_previews(source: Path, target: Path) -> list[Path]:
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in MEETING_KINDS:
        pdf = next(source.glob(f"*-{kind.value}.pdf"))
        written.append(render_page_png(pdf, target / f"{kind.value}.png", page=PAGES.get(kind, 1), dpi=60))
    return written


if __name__ == "__main__":
    for path in render_previews(Path(sys.argv[1]), Path(sys.argv[2])):
        print(path)
