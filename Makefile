# Everything a reader or CI needs, from a fresh clone: `make build`, `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JB     := $(BIN)/jupyter-book
BUILD_FLAGS := -W -n --keep-going

.PHONY: setup build html test pdf clean help

help:
	@echo "make build   set up .venv and build the website into _build/html"
	@echo "make test    set up .venv and run the test suite"
	@echo "make pdf     build _build/latex/book.pdf (needs TeX Live, see README)"
	@echo "make bench   time cold, warm and incremental builds (prints figures, never fails)"
	@echo "make clean   remove _build"

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)

# JavaScript from the npm registry, pinned in package.json and package-lock.json: Popper and
# Tippy, which the website serves for its hover previews, and axe-core, which the browser
# tests inject into the pages. Without npm the website has no hover previews and the
# accessibility tests are skipped (not in CI: .ci/install-system-packages.sh installs npm).
NODE := node_modules/.package-lock.json
$(NODE): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: no hover previews, and the accessibility tests will be skipped"; fi

build html: setup $(NODE)
	$(JB) build . $(BUILD_FLAGS)
	@echo "Open _build/html/index.html in a browser."

test: setup $(NODE)
	$(BIN)/python -m pytest

pdf: setup $(NODE)
	@rm -f _build/latex/book.pdf
	$(JB) build . $(BUILD_FLAGS) --builder pdflatex
	@test -f _build/latex/book.pdf || { echo "_build/latex/book.pdf was not produced"; exit 1; }
	@# The website offers the PDF only when it exists: build the website again (its pages are
	@# re-read from the cache, not run) so that it copies the PDF and links to it.
	@if [ -d _build/html ]; then $(JB) build . $(BUILD_FLAGS) && \
	  echo "The website offers the PDF: _build/html/book.pdf"; \
	else echo "No _build/html yet: make build now offers the PDF (it copies _build/latex/book.pdf)."; fi

clean:
	rm -rf _build

# Build benchmark on temporary copies (cold, execution-off floor, warm, one-page edit,
# package edit, PDF): prints timings, memory, per-page execution times, page weights.
# Forecast a longer book with: make bench BENCH_ARGS="--replicate 6"
BENCH_ARGS ?=
.PHONY: bench
bench: setup
	$(BIN)/python bench/benchmark.py $(BENCH_ARGS)
