# Two commands do all the set-up on a fresh machine (Python >= 3.11 and make):
#   make demo   the HTTP service on the embedded SQLite default, with the demo agency
#   make test   lint, type-check and the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest i18n clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/minhbach serve --demo

lint: $(STAMP)
	$(BIN)/ruff check domain projections api demo web forms tests benchmarks
	$(BIN)/ruff format --check domain projections api demo web forms tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

test: lint typecheck pytest

# Extract the web pages' messages and merge them into the catalogues (then translate).
i18n: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --sort-output \
		-o web/locale/messages.pot .
	$(BIN)/pybabel update -i web/locale/messages.pot -d web/locale \
		--no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache .hypothesis
