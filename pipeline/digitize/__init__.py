"""Archive digitization (``intmk digitize``): find scans, OCR them, store their records, report."""
