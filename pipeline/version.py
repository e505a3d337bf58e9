"""The pipeline version: extraction results are stored under SHA-256 + this version, so an
upgrade re-extracts without duplicating documents (RELIABILITY.md rule 3)."""

from importlib.metadata import PackageNotFoundError, version

# Raise when extraction output changes for the same input, even without a release.
EXTRACTION_REVISION = 1


def read_package_version() -> str:
    try:
        return version("intmk")
    except PackageNotFoundError:  # running from a source tree without installation
        return "0"


PIPELINE_VERSION = f"{read_package_version()}+x{EXTRACTION_REVISION}"
