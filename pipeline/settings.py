"""The one settings object. Every value can be set by an ``INTMK_`` environment variable.

No other module reads ``os.environ``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from extractors.limits import ExtractionLimits


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INTMK_", env_file=None, extra="ignore")

    home: Path = Field(default=Path("var"), description="Arbeitsverzeichnis (inbox/, archive/, out/ …)")
    database_url: str | None = Field(default=None, description="SQLAlchemy-URL; Standard: SQLite in home")

    # Folders (RELIABILITY.md rule 1); each defaults to a subfolder of home and can be moved.
    inbox_dir: Path | None = Field(default=None, description="Eingang; Standard: home/inbox")
    processing_dir: Path | None = Field(default=None, description="in Arbeit; Standard: home/processing")
    archive_dir: Path | None = Field(default=None, description="Originale nach SHA-256; Standard: home/archive")
    quarantine_dir: Path | None = Field(default=None, description="abgewiesen, mit Grund; Standard: home/quarantine")
    duplicates_dir: Path | None = Field(default=None, description="doppelt eingegangen; Standard: home/duplicates")
    out_dir: Path | None = Field(default=None, description="erzeugte Dateien; Standard: home/out")

    # Inbox handling (RELIABILITY.md rule 7)
    settle_seconds: float = Field(default=2.0, ge=0, description="so lange muss eine Datei unverändert sein")
    settle_wait_seconds: float = Field(default=30.0, ge=0, description="intmk run wartet so lange auf Dateien im Schreiben")
    workers: int = Field(default=2, ge=1, le=32, description="gleichzeitig gelesene Dokumente")
    store_attempts: int = Field(default=4, ge=1, description="Versuche, wenn die Datenbank gesperrt ist")
    store_backoff_seconds: float = Field(default=0.5, ge=0, description="erste Wartezeit zwischen den Versuchen")
    db_busy_timeout_seconds: float = Field(default=30.0, ge=0, description="SQLite wartet so lange auf eine Sperre")
    stale_temp_seconds: float = Field(
        default=3600.0, ge=0, description="temporäre Dateien eines abgebrochenen Laufs werden nach so langer Zeit entfernt")
    watch_polling: bool = Field(default=False, description="Ordner abfragen statt Ereignisse (Netzlaufwerke)")
    watch_poll_seconds: float = Field(default=2.0, gt=0)
    rescan_seconds: float = Field(default=60.0, gt=0, description="vollständiger Durchlauf auch ohne Ereignis")

    # Schedules of `intmk serve`
    inbox_interval_minutes: float = Field(default=5.0, gt=0, description="Eingang alle N Minuten")
    bundesrat_cron: str = Field(default="0 3 * * *", description="nächtlicher Abgleich mit DIP")
    reminder_cron: str = Field(default="0 7 * * 1-5", description="tägliche Fristenerinnerung")
    prefect_port: int = Field(default=4200, ge=1, le=65535, description="Port des lokalen Prefect-Servers von intmk serve")
    reminder_days: int = Field(default=7, ge=1, description="Fristen der nächsten N Tage")

    # Meeting documents (intmk documents)
    template_dir: Path | None = Field(default=None, description="eigene Word-Vorlagen (<art>.docx oder vorlage.docx)")
    office_name: str = Field(default="Geschäftsstelle der Integrationsministerkonferenz", description="Briefkopf, erste Zeile")
    office_address: str = Field(default="", description="Anschrift der Geschäftsstelle; Zeilen durch | getrennt")
    soffice: str | None = Field(default=None, description="LibreOffice-Programm; Standard: soffice im PATH")
    pdf_timeout_seconds: float = Field(default=180.0, gt=0, description="Höchstdauer einer PDF-Umwandlung")
    pdfa: bool = Field(default=False, description="PDF/A-2b statt einfachem PDF")

    # Archive digitization (intmk digitize)
    ocr_language: str = Field(default="deu", description="Tesseract-Sprache")
    ocr_timeout_seconds: float = Field(default=900.0, gt=0, description="Höchstdauer der Texterkennung je Dokument")
    ocr_deskew: bool = Field(default=True, description="schräge Scans gerade gerückt speichern (ab 1° auch vor der Texterkennung)")
    dask_address: str | None = Field(default=None, description="laufender Dask-Cluster, z. B. tcp://host:8786")

    default_body: str = Field(default="IntMK", description="Gremium, wenn ein Dokument keines nennt")
    profile_dir: Path | None = Field(default=None, description="eigene Gremienprofile (*.toml)")
    dip_base_url: str = Field(default="https://search.dip.bundestag.de/api/v1", description="DIP-API")
    dip_api_key: SecretStr | None = Field(default=None, description="API-Schlüssel für DIP")

    # Limits per document (RELIABILITY.md rules 5 and 6)
    max_file_mb: int = Field(default=200, ge=1)
    max_pages: int = Field(default=3000, ge=1)
    max_chars: int = Field(default=10_000_000, ge=1000)
    max_docx_uncompressed_mb: int = Field(default=200, ge=1)
    timeout_seconds: float = Field(default=120.0, gt=0, description="Wanduhrzeit je Dokument")
    cpu_seconds: int = Field(default=120, ge=1, description="CPU-Zeit je Dokument")
    memory_mb: int = Field(default=2048, ge=256, description="Adressraum des Parser-Prozesses")

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.home / 'intmk.sqlite3').resolve()}"

    @property
    def letterhead(self) -> list[str]:
        lines = [self.office_name, *self.office_address.split("|")]
        return [line.strip() for line in lines if line.strip()]

    def extraction_limits(self) -> ExtractionLimits:
        return ExtractionLimits(
            max_file_bytes=self.max_file_mb * 1024 * 1024,
            max_pages=self.max_pages,
            max_chars=self.max_chars,
            max_docx_uncompressed_bytes=self.max_docx_uncompressed_mb * 1024 * 1024,
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
