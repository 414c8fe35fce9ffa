# The two commands of the README. Both create the virtualenv .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench

$(BIN)/storyreel: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

# Make a video of the built-in example story into runs/example.
demo: $(BIN)/storyreel
	$(BIN)/storyreel make --file examples/stories/dog_and_ball.txt --out runs/example --force

# Lint, type-check and run the whole test suite (what CI runs).
test: $(BIN)/storyreel
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy storyreel
	$(BIN)/python -m pytest -q

bench: $(BIN)/storyreel
	$(BIN)/python bench/bench_make.py
