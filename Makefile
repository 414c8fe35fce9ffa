# The two commands of the README. Both set up the virtualenv .venv on first use: `demo` with the package alone
# (no torch, no LLM libraries), `test` with every extra the tests exercise.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test bench

$(VENV)/.base: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e . -c constraints.txt
	touch $@

$(VENV)/.dev: $(VENV)/.base constraints.txt
	$(BIN)/pip install --quiet -e ".[dev]" -c constraints.txt
	touch $@

# Make a film of an example story into runs/example (about five minutes on 2 CPU cores, setup included).
demo: $(VENV)/.base
	$(BIN)/storyreel make --file examples/stories/dog_and_ball.txt --out runs/example --force

# Lint, type-check and run the whole test suite (what CI runs).
test: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy storyreel
	$(BIN)/python -m pytest -q

# The end-to-end benchmark (see README, Performance).
bench: $(VENV)/.base
	$(BIN)/python bench/bench_make.py
