"""Imported once by the parser fork server: loads the parsers and the OCR stage and builds the
spaCy pipeline, so every child process forked from it starts ready (about 1 s saved per document)."""

from extractors.extract import extract_document
from extractors.fields.nlp import get_nlp
from extractors.ocr_runner import read_archive_file

get_nlp()

__all__ = ["extract_document", "read_archive_file"]
