# Casebook: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENDOR := static/vendor
NHSUK := node_modules/nhsuk-frontend/dist/nhsuk

.PHONY: setup run test test-unit test-app test-browser clean

setup: $(VENV)/.installed $(VENDOR)/.installed

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENDOR)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/nhsuk
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	cp node_modules/axe-core/axe.min.js $(VENDOR)/
	cp $(NHSUK)/nhsuk-frontend.min.css $(NHSUK)/nhsuk-frontend.min.js $(VENDOR)/nhsuk/
	cp -r $(NHSUK)/assets $(VENDOR)/nhsuk/assets
	touch $@

run: setup
	$(BIN)/flask --app app demo --if-empty
	$(BIN)/flask --app app run --host 127.0.0.1 --port 5000

test: setup
	$(BIN)/python -m pytest

test-unit: setup
	$(BIN)/python -m pytest tests/unit

test-app: setup
	$(BIN)/python -m pytest tests/app

test-browser: setup
	$(BIN)/python -m pytest tests/browser

clean:
	rm -rf $(VENV) node_modules $(VENDOR)
