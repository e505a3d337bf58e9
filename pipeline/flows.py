"""Prefect flows. The only module with Prefect decorators; every stage is a plain function.

The local ephemeral Prefect API is used unless ``PREFECT_API_URL`` points at a server.
Documents are handed to tasks in batches (DESIGN.md: the local API persists only ~40 task
runs per second, so one task per page or per small file would dominate the run time).
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, task

from pipeline import service
from pipeline.settings import get_settings

BATCH_SIZE = 20


@task(name="dokumente-lesen")
def extract_batch(paths: list[str]) -> list[service.FileResult]:
    """Extract one batch of files, each in its own limited child process."""
    return list(service.extract_files([Path(p) for p in paths], get_settings()))


@flow(name="intmk-eingang-lesen", log_prints=False)
def extract_inbox_flow(inbox: str, output: str) -> list[service.FileResult]:
    """Read every document in ``inbox`` and write the records as JSON Lines to ``output``."""
    paths = [str(p) for p in service.list_documents(Path(inbox))]
    batches = [paths[i : i + BATCH_SIZE] for i in range(0, len(paths), BATCH_SIZE)]
    results = [result for batch in extract_batch.map(batches).result() for result in batch] if batches else []
    service.write_jsonl(results, Path(output))
    return results
