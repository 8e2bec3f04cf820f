# Every target creates .venv and installs the project on first use; later runs are quick
# because the stamp file only changes when a pyproject.toml does. The developer tools
# (devtools/: Bot API stand-in, chat driver, demo) are a distribution of their own, installed
# beside the bot so that the bot's wheel does not carry them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench
# The project's own bytecode, compiled ahead (only what changed; 0.4 s when nothing did).
# pip does this for installed packages and Python on first import, except where
# PYTHONDONTWRITEBYTECODE is set (CI, containers, this project's machines): there every
# `themabot` command compiled all of themabot's modules again, 0.09 s of each, measured.
# The text catalogues are kept read the same way (conversations/texts/kept.py).
BYTECODE := $(BIN)/python -m compileall -q -j 0 bot conversations storage reports devtools benchmarks \
	&& $(BIN)/python -c "import conversations.texts as t; t.keep_catalogues()"

.PHONY: install run test demo bench profile lint clean

install: $(STAMP)
	@$(BYTECODE)

$(STAMP): pyproject.toml devtools/pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]' -e ./devtools
	@touch $(STAMP)

run: $(STAMP)
	@$(BYTECODE)
	$(BIN)/themabot run

test: $(STAMP)
	@$(BYTECODE)
	$(BIN)/python -m pytest

demo: $(STAMP)
	@$(BYTECODE)
	$(BIN)/themabot demo

# The benchmark's extra (the aiogram reference, py-spy) is installed here only: `make test`
# never needs it. About 20 minutes; writes docs/benchmarks.md.
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	@touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	@$(BYTECODE)
	$(BIN)/python -m benchmarks

profile: $(BENCH_STAMP)
	@$(BYTECODE)
	$(BIN)/python -m benchmarks.profile --write

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) demo-output .pytest_cache
