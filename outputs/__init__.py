"""Document builders (Word templates, PDF conversion, bundles); see issue 5."""
