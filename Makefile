# dataex: `make run` starts the three services and the portal with demo data, `make test`
# runs every test (the browser tests when Chromium is installed).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: install run test test-sqlite test-postgres lint bench screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

run: install
	$(BIN)/dataex up

lint: install
	$(BIN)/ruff check services tests bench migrations
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

test: install lint
	$(BIN)/python -m tests.run_all

# Regenerate docs/screenshots/*.png from the browser tests (needs /usr/bin/chromium).
screenshots: install
	DATAEX_SCREENSHOTS=1 DATAEX_TEST_REQUIRE_BROWSER=1 $(BIN)/python -m pytest tests/browser -q -p no:cacheprovider

bench: install
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m bench $(NAME)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
