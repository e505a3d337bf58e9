"""Pure extraction stages: bytes/paths -> text lines -> fields -> records.

Nothing here knows about Prefect, the inbox or the database. Library exceptions are mapped to
``schemas.errors`` at this edge.
"""
