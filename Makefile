# The Momentum book. Quick start: `make book` (build the site), `make test` (run every check).
# Needs only Python >= 3.11, make, and (for the offline MathJax copy) npm.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
SETUP  := $(VENV)/.setup-done
MATHJAX := assets/site/mathjax/tex-chtml.js
CHROMIUM := /usr/bin/chromium
SUDO    = $(if $(filter 0,$(shell id -u)),,sudo -E)
PORT   ?= 8000
COMMITTED_OUTPUTS := _build/config-committed-outputs.yml

.PHONY: book test unit notebooks build-check browser pdf lint serve lab outputs bench clean

# --- set-up -----------------------------------------------------------------------
# One virtual environment with the package (editable) and the pinned toolchain.
# PyTorch's CPU build (for the TorchSGD conformance test) is installed where this
# machine provides it; elsewhere those tests are reported as skipped.
$(SETUP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	-$(PY) -m pip install --quiet "torch==2.13.0+cpu" \
	  || echo "note: PyTorch is not available here; the conformance tests will be skipped"
	$(PY) -c "import matplotlib.pyplot"  # build matplotlib's font cache once, not inside a notebook
	touch $@

# MathJax is served by the site itself: copy what it loads from the npm package.
$(MATHJAX): assets/package.json assets/package-lock.json
	cd assets && npm ci --no-audit --no-fund --silent
	rm -rf assets/site/mathjax && mkdir -p assets/site/mathjax/input/tex assets/site/mathjax/output/chtml
	cp assets/node_modules/mathjax/es5/tex-chtml.js assets/site/mathjax/
	cp -r assets/node_modules/mathjax/es5/input/tex/extensions assets/site/mathjax/input/tex/
	cp -r assets/node_modules/mathjax/es5/output/chtml/fonts assets/site/mathjax/output/chtml/

# Browser tests drive Debian's Chromium (never a browser downloaded by a test tool).
$(CHROMIUM):
	@command -v apt-get >/dev/null || { echo "install Chromium at $(CHROMIUM) to run the browser tests"; exit 1; }
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium >/dev/null

# --- the two quick-start commands ---------------------------------------------------
book: $(SETUP) $(MATHJAX)
	rm -rf _build/html  # no stale pages from an earlier build
	$(VENV)/bin/jupyter-book build . --all -W --keep-going
	@echo "The book is in _build/html/index.html (make serve to read it over http)."

test: lint unit notebooks build-check browser pdf

# --- the parts of `make test` -------------------------------------------------------
lint: $(SETUP)
	$(VENV)/bin/ruff check .

unit: $(SETUP)
	$(VENV)/bin/pytest tests -n auto

# nbval: each chapter re-executed and compared with its committed outputs.
notebooks: $(SETUP)
	$(VENV)/bin/pytest --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
	  -n auto --dist loadscope chapters

# The book build with warnings as errors. It renders the committed outputs, which
# `notebooks` (nbval) has just re-executed and compared, instead of executing every
# chapter a second time (`make book` always executes them).
build-check: notebooks $(MATHJAX) $(COMMITTED_OUTPUTS)
	rm -rf _build/html
	$(VENV)/bin/jupyter-book build . --config $(COMMITTED_OUTPUTS) --all -W --keep-going

# _config.yml with execution off; jupyter-book resolves local extensions from the
# config file's folder, so _ext becomes an absolute path.
$(COMMITTED_OUTPUTS): _config.yml
	@mkdir -p $(@D)
	sed -e 's/^  execute_notebooks: force$$/  execute_notebooks: "off"/' \
	    -e 's|^    offline_site: _ext$$|    offline_site: $(CURDIR)/_ext|' _config.yml > $@
	@grep -q 'execute_notebooks: "off"' $@ && grep -q '$(CURDIR)/_ext' $@ \
	  || { echo "_config.yml changed shape: update the $@ rule in the Makefile"; rm $@; exit 1; }

# The built site in headless Chromium, offline; screenshots go to test-artifacts/.
browser: build-check $(CHROMIUM)
	$(VENV)/bin/pytest tests/browser -n 2

# A printable version: every chapter on one page, printed to _build/momentum.pdf by
# Chromium (from the committed outputs, like build-check).
pdf: build-check $(CHROMIUM)
	$(VENV)/bin/jupyter-book build . --config $(COMMITTED_OUTPUTS) --builder singlehtml -W --keep-going
	$(PY) tools/print_pdf.py

# --- reading and working locally ----------------------------------------------------
serve: book
	$(PY) -m http.server --directory _build/html --bind 127.0.0.1 $(PORT)

lab: $(SETUP)
	$(PY) -m pip install --quiet -c constraints.txt -e ".[lab]"
	cd chapters && ../$(VENV)/bin/jupyter lab

# Re-execute the chapters in place after changing them or the package, then commit.
outputs: $(SETUP)
	$(PY) tools/refresh_outputs.py
	$(PY) tools/collect_exercises.py

# Every benchmark in benchmarks/ (each prints its figures: ratios against baselines run
# in the same process), then the summary table in benchmarks/RESULTS.md.
bench: $(SETUP)
	$(PY) benchmarks/run_all.py

clean:
	rm -rf _build assets/site assets/node_modules
