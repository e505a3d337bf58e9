"""CSV that Excel opens with a double click: semicolons, CRLF, UTF-8 with a byte order mark, so
umlauts stay intact (the digitization report, the Beschlusssammlung export)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence


def render_excel_csv(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")
