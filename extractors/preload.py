"""Imported once by the parser fork server: loads the parsers and builds the spaCy pipeline,
so every child process forked from it starts ready (about 1 s saved per document)."""

from extractors.extract import extract_document
from extractors.fields.nlp import get_nlp

get_nlp()

__all__ = ["extract_document"]
