# Quick start: `make demo` and `make test` on a fresh Debian/Ubuntu machine with Python 3.11.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO   := var/demo
# Keep Prefect's local state inside the project and never phone home.
export PREFECT_HOME ?= $(CURDIR)/var/prefect
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export PREFECT_LOGGING_LEVEL ?= WARNING

.PHONY: demo test bench clean system-deps previews

$(STAMP): pyproject.toml scripts/install-system-deps.sh
	bash scripts/install-system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

system-deps:
	bash scripts/install-system-deps.sh

# Builds the example inbox from the real sample text, enters the example conferences, then runs
# the main job (one Prefect flow over the inbox: claim, read, check, store, archive); ends by
# reading the example meeting inputs (examples/meeting/) and building the meeting documents, then
# digitizes an archive of two scanned minutes (OCR), searches and exports the Beschlusssammlung.
# Exit code 3 means "some file was quarantined": the demo inbox holds one bad file on purpose.
demo: $(STAMP)
	rm -rf $(DEMO)
	$(BIN)/python examples/build_inbox.py $(DEMO)/inbox $(DEMO)/archiv
	INTMK_HOME=$(DEMO) $(BIN)/intmk conference import examples/conferences.toml
	INTMK_HOME=$(DEMO) INTMK_SETTLE_SECONDS=0 $(BIN)/intmk run; rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 3 ]
	INTMK_HOME=$(DEMO) $(BIN)/intmk status --pruefen
	INTMK_HOME=$(DEMO) $(BIN)/intmk calendar IntMK 23 --ics $(DEMO)/out/IntMK-23-fristen.ics
	INTMK_HOME=$(DEMO) $(BIN)/intmk check IntMK 13
	INTMK_HOME=$(DEMO) $(BIN)/intmk check IntMK 23
	INTMK_HOME=$(DEMO) $(BIN)/intmk meeting votes IntMK 23 examples/meeting/abstimmungen.csv
	INTMK_HOME=$(DEMO) $(BIN)/intmk meeting participants IntMK 23 examples/meeting/teilnehmer.csv
	INTMK_HOME=$(DEMO) $(BIN)/intmk meeting statements IntMK 23 examples/meeting/erklaerungen.yaml
	INTMK_HOME=$(DEMO) $(BIN)/intmk meeting annexes IntMK 23 examples/meeting/anlagen.yaml
	INTMK_HOME=$(DEMO) $(BIN)/intmk meeting review IntMK 23 examples/meeting/erfolgskontrolle.csv
	INTMK_HOME=$(DEMO) $(BIN)/intmk documents IntMK 23 --originale
	INTMK_HOME=$(DEMO) $(BIN)/intmk digitize $(DEMO)/archiv
	INTMK_HOME=$(DEMO) $(BIN)/intmk search Migrationsberatungen --limit 3
	INTMK_HOME=$(DEMO) $(BIN)/intmk export IntMK 12
	@echo "Datensätze: $(DEMO)/out/records.jsonl · Sitzungsdokumente: $(DEMO)/out/IntMK-23 · Digitalisate: $(DEMO)/out/digitalisat · Quarantäne: $(DEMO)/quarantine"

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/extract.py
	$(BIN)/python benchmarks/inbox.py
	$(BIN)/python benchmarks/ocr.py
	$(BIN)/python benchmarks/ocr_fields.py
	$(BIN)/python benchmarks/search.py

# One page of each meeting document as PNG in docs/ (after make demo).
previews: $(STAMP)
	$(BIN)/python scripts/render_previews.py $(DEMO)/out/IntMK-23 docs/dokumente

clean:
	rm -rf $(VENV) var build *.egg-info .pytest_cache .hypothesis
