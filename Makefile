# Casebook: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENDOR := static/vendor
NHSUK := node_modules/nhsuk-frontend/dist/nhsuk
# The app and browser tests run in this many processes, each with its own embedded database (pytest-xdist);
# a test file stays in one process, so module fixtures (the demo organisation) are built once. (Sending the
# longest files first was tried: the browser journeys then ran side by side on both workers and the run took longer.)
TEST_WORKERS ?= 2
PARALLEL := -n $(TEST_WORKERS) --dist loadfile
UV_VERSION := 0.13.9
# The commands start many Python processes (the suite's workers, the commands and servers it runs, the app): each
# reads the compiled modules the first one wrote (__pycache__, ignored by git) rather than compiling them again,
# even where the machine's environment says not to write them (uv, like pip --no-compile, compiles none at setup).
export PYTHONDONTWRITEBYTECODE :=

.PHONY: setup run test test-unit test-app test-browser lint clean

setup: $(VENV)/.installed $(VENDOR)/.installed

# uv installs the pinned requirements in parallel: about 10 s on the development machine, where pip took 77 s.
$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.txt
	touch $@

$(VENDOR)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/nhsuk
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	cp node_modules/axe-core/axe.min.js $(VENDOR)/
	cp $(NHSUK)/nhsuk-frontend.min.js $(VENDOR)/nhsuk/
	# The Frutiger web font is licensed for NHS hosts only: drop its @font-face rules so pages use Arial
	sed -E 's/@font-face\{[^}]*\}//g' $(NHSUK)/nhsuk-frontend.min.css > $(VENDOR)/nhsuk/nhsuk-frontend.min.css
	cp -r $(NHSUK)/assets $(VENDOR)/nhsuk/assets
	touch $@

run: export CASEBOOK_DEMO = 1
run: setup
	$(BIN)/flask --app app demo --if-empty
	@echo ""
	@echo "  Casebook is starting at http://127.0.0.1:5000  (Ctrl+C stops it and its database)"
	@echo "  Demo logins, password casebook-demo:"
	@echo "    manager@example.org   a team leader's view"
	@echo "    hr@example.org        an HR advisor for two divisions"
	@echo "    support@example.org   HR systems / data support"
	@echo "    admin@example.org     administrator"
	@echo ""
	$(BIN)/flask --app app run --host 127.0.0.1 --port 5000 --reload

test: setup
	$(BIN)/python -m pytest $(PARALLEL)

test-unit: setup
	$(BIN)/python -m pytest tests/unit

test-app: setup
	$(BIN)/python -m pytest $(PARALLEL) tests/app

test-browser: setup
	$(BIN)/python -m pytest $(PARALLEL) tests/browser

# ruff over the whole tree; mypy over the files pyproject.toml names (the pure rules and the services)
lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) node_modules $(VENDOR)
