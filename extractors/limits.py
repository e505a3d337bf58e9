"""Named limits enforced before expensive work (RELIABILITY.md rule 6).

The values come from the one settings object (``pipeline.settings.Settings``); extractors take
them as a plain argument so they stay free of configuration code.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ExtractionLimits:
    max_file_bytes: int = 200 * 1024 * 1024
    max_pages: int = 3000
    max_chars: int = 10_000_000
    max_docx_uncompressed_bytes: int = 200 * 1024 * 1024
    max_docx_compression_ratio: float = 200.0
    max_docx_members: int = 5000


DEFAULT_LIMITS = ExtractionLimits()
