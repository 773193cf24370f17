# The Momentum book. Quick start: `make book` (build the site), `make test` (run every check).
# Needs only Python >= 3.11, make, and (for KaTeX, which typesets the math) npm.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
# Set-up in steps, each recorded by a stamp file in the venv: what the book needs
# (`make book`), what the tests add (`make test`), and JupyterLab (`make lab`).
BOOK_SETUP := $(VENV)/.book-setup-done
TEST_SETUP := $(VENV)/.test-setup-done
LAB_SETUP  := $(VENV)/.lab-setup-done
# uv (from PyPI, pinned in constraints.txt) installs the packages: it resolves and
# installs in parallel from its cache, several times faster than pip (README, Dependencies).
# --compile-bytecode: every notebook's kernel imports NumPy, matplotlib and pandas afresh,
# and without .pyc files (uv writes none by default) each of them compiles them again.
INSTALL := $(VENV)/bin/uv pip install --python $(PY) --quiet --compile-bytecode -c constraints.txt
MATH_ASSETS := assets/site/katex/katex.min.css
CHROMIUM := /usr/bin/chromium
SUDO    = $(if $(filter 0,$(shell id -u)),,sudo -E)
PORT   ?= 8000
COMMITTED_OUTPUTS := _build/config-committed-outputs.yml
# A build of the book that renders the committed outputs (executes nothing).
BUILD_FROM_OUTPUTS = $(PY) tools/build_book.py --config $(COMMITTED_OUTPUTS)
# Two targets at once (make's own jobs, each target's output kept together): parts of the
# suite that each keep one core busy, on a 2-core machine.
SIDE_BY_SIDE := --no-print-directory -j2 --output-sync=target

.DEFAULT_GOAL := book
.PHONY: book test unit notebooks build-check build-check-en build-check-zh browser pdf pdf-en pdf-zh lint serve lab lab-test outputs bench clean check-tools rebuild-venv singlehtml gettext translations translations-check slides slides-serve screenshots handouts handouts-en handouts-zh handouts-check handouts-check-en handouts-check-zh student

# --- set-up -----------------------------------------------------------------------
# A venv whose Python no longer runs (a dangling .venv/bin/python after Python was
# upgraded or removed), or runs without the venv's packages, is rebuilt from scratch.
VENV_STATE := $(shell if [ ! -e $(VENV) ]; then echo missing; elif $(PY) -c 'import os, sys, sysconfig; \
  sys.exit(not os.path.isdir(sysconfig.get_path("purelib")))' 2>/dev/null; then echo ok; else echo broken; fi)

# First, before any set-up: the tools make cannot install, each with its remedy. A
# Python >= 3.11 is needed only while there is no working venv, npm only while the
# KaTeX copy is missing or older than assets/package*.json, Node.js always.
NPM_NEEDED := $(shell [ ! -e $(MATH_ASSETS) ] || [ assets/package.json -nt $(MATH_ASSETS) ] \
  || [ assets/package-lock.json -nt $(MATH_ASSETS) ] && echo yes)
check-tools:
ifneq ($(VENV_STATE),ok)
	@command -v $(PYTHON) >/dev/null || { echo "make: $(PYTHON) not found. The book needs Python >= 3.11:" \
	  "install it (Debian/Ubuntu: apt-get install python3 python3-venv) or name one: make PYTHON=python3.12 ..." >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "make: $(PYTHON) is" \
	  "$$($(PYTHON) --version 2>&1); the book needs Python >= 3.11: install one, or name it: make PYTHON=python3.12 ..." >&2; exit 1; }
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { echo "make: $(PYTHON) cannot create a virtual" \
	  "environment (no venv/ensurepip module). Debian/Ubuntu: apt-get install python3-venv" >&2; exit 1; }
endif
ifeq ($(NPM_NEEDED),yes)
	@command -v npm >/dev/null || { echo "make: npm not found; it installs KaTeX, which typesets the math" \
	  "(assets/package.json). Install Node.js and npm (Debian/Ubuntu: apt-get install npm;" \
	  "macOS: brew install node), then run make again." >&2; exit 1; }
endif
	@command -v node >/dev/null || { echo "make: node not found; KaTeX typesets the math in Node.js while the" \
	  "book is built. Install Node.js (Debian/Ubuntu: apt-get install nodejs npm; macOS: brew install node)." >&2; exit 1; }

ifeq ($(VENV_STATE),broken)
$(BOOK_SETUP): rebuild-venv
endif
rebuild-venv: | check-tools
	@echo "make: $(VENV) is broken: its Python ($(PY) -> $$(realpath -m $(PY) 2>/dev/null || readlink $(PY))) no longer runs" \
	  "(Python upgraded or removed?). Rebuilding $(VENV) from scratch." >&2
	rm -rf $(VENV)

# The book: the package (editable) with what building the site needs, pinned by
# constraints.txt (extra `book` in pyproject.toml).
$(BOOK_SETUP): pyproject.toml constraints.txt | check-tools
	@test -x $(PY) || { echo "$(PYTHON) -m venv $(VENV)"; $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --quiet --no-compile -c constraints.txt uv
	$(INSTALL) -e ".[book]"
	$(PY) -c "import matplotlib.pyplot"  # build matplotlib's font cache once, not inside a notebook
	touch $@

# The tests add pytest, nbval, hypothesis, ruff, Playwright (extra `test`) and PyTorch's
# CPU build (for the TorchSGD conformance test) where this machine provides it (pip,
# which reads the machine's pip configuration; uv does not); elsewhere those tests are
# reported as skipped.
$(TEST_SETUP): $(BOOK_SETUP)
	$(INSTALL) -e ".[test]"
	-$(PY) -m pip install --quiet --no-compile "torch==2.13.0+cpu" \
	  || echo "note: PyTorch is not available here; the conformance tests will be skipped"
	touch $@

$(LAB_SETUP): $(BOOK_SETUP)
	$(INSTALL) -e ".[lab]"
	touch $@

# KaTeX (npm, pinned in assets/package*.json) typesets the math at build time
# (sphinxcontrib-katex runs assets/node_modules/katex in Node); pages load only its CSS
# and woff2 fonts, served by the site itself: copy those from the npm package.
$(MATH_ASSETS): assets/package.json assets/package-lock.json | check-tools
	cd assets && npm ci --no-audit --no-fund --silent
	rm -rf assets/site/mathjax assets/site/katex && mkdir -p assets/site/katex/fonts
	cp assets/node_modules/katex/dist/katex.min.css assets/site/katex/
	cp assets/node_modules/katex/dist/fonts/*.woff2 assets/site/katex/fonts/
	# d3's modules (UMD builds) draw the live explorers (assets/explorers, _ext/explorers.py).
	rm -rf assets/site/d3 && mkdir -p assets/site/d3
	cp assets/node_modules/internmap/dist/internmap.min.js assets/node_modules/d3-*/dist/d3-*.min.js assets/site/d3/

# Browser tests drive Debian's Chromium (never a browser downloaded by a test tool).
$(CHROMIUM):
	@command -v apt-get >/dev/null || { echo "install Chromium at $(CHROMIUM) to run the browser tests"; exit 1; }
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium >/dev/null

# The Chinese edition's fonts (Noto Sans/Serif CJK, Debian's fonts-noto-cjk): Chromium
# needs them to show the Chinese pages in the browser tests and to embed them in the
# Chinese PDF. Readers' own systems bring their own CJK fonts.
CJK_FONTS := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
$(CJK_FONTS): | $(CHROMIUM)  # (one apt-get at a time: apt holds a lock)
	@command -v apt-get >/dev/null || { echo "install Noto CJK fonts ($(CJK_FONTS)) for the Chinese edition's browser tests and PDF"; exit 1; }
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends fonts-noto-cjk >/dev/null

# --- the two quick-start commands ---------------------------------------------------
# tools/build_book.py builds into _build/staging and replaces _build/html only if the
# build succeeds (a failing chapter leaves the last good site); a cell that fails is
# summarised at the end: chapter, cell, first line, error.
# The Chinese edition (_build/html/zh) renders the outputs just executed and committed
# (tools/build_book.py --language zh_CN): the notebooks run once.
book: $(BOOK_SETUP) $(MATH_ASSETS) $(COMMITTED_OUTPUTS)
	$(PY) tools/build_book.py
	$(BUILD_FROM_OUTPUTS) --language zh_CN

# In three parts after the first three. The builds side by side: each Sphinx build keeps one
# core busy. Then the browser suite and the PDFs (each keeps both busy). Then three at once:
# the JupyterLab test, which leaves a core idle about a third of its minute, beside each
# edition's handouts, made and read back.
# (JUST_RAN: phony targets that have just run, not to be run again by the later parts.)
JUST_RAN = -o notebooks -o build-check -o build-check-en -o build-check-zh -o singlehtml -o $(BOTH_EDITIONS)
test: lint unit notebooks
	$(MAKE) $(SIDE_BY_SIDE) -o notebooks build-check singlehtml slides translations-check
	$(MAKE) --no-print-directory $(JUST_RAN) browser pdf
	$(MAKE) --no-print-directory -j3 --output-sync=target $(JUST_RAN) lab-test handouts-check-en handouts-check-zh

# --- the parts of `make test` -------------------------------------------------------
lint: $(TEST_SETUP)
	$(VENV)/bin/ruff check .

# One test file per worker: a file's tests share what they compute once (the exercises'
# reference answers, which the package computes once per process).
unit: $(TEST_SETUP)
	$(VENV)/bin/pytest tests -n auto --dist loadfile

# nbval: each chapter re-executed and compared with its committed outputs.
notebooks: $(TEST_SETUP)
	$(VENV)/bin/pytest --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
	  -n auto --dist loadscope chapters

# The book build with warnings as errors. It renders the committed outputs, which
# `notebooks` (nbval) has just re-executed and compared, instead of executing every
# chapter a second time (`make book` always executes them).
# The Chinese edition goes into the English site (_build/html/zh), so after it.
build-check: build-check-zh
build-check-en: notebooks $(MATH_ASSETS) $(COMMITTED_OUTPUTS)
	$(BUILD_FROM_OUTPUTS)
build-check-zh: build-check-en
	$(BUILD_FROM_OUTPUTS) --language zh_CN

# --- the Chinese edition ------------------------------------------------------------
# After changing English text: extract its messages (Sphinx's gettext builder, through
# myst-nb) and bring the catalogues in locales/zh_CN in step (sphinx-intl marks changed
# paragraphs fuzzy, adds new ones, drops removed ones); then translate what is new or
# fuzzy. `make test` fails until every message is translated (README, "The Chinese edition").
GETTEXT := _build/gettext-build/_build/gettext
gettext: $(BOOK_SETUP) $(MATH_ASSETS) $(COMMITTED_OUTPUTS)
	rm -rf $(GETTEXT)
	$(VENV)/bin/jupyter-book build . --config $(COMMITTED_OUTPUTS) --path-output _build/gettext-build \
	  --builder custom --custom-builder gettext -W --keep-going >/dev/null

translations: gettext
	$(VENV)/bin/sphinx-intl update --pot-dir $(GETTEXT) --locale-dir locales -l zh_CN --line-width 76

# The catalogues hold exactly the messages of the current English text (tests/i18n).
translations-check: $(TEST_SETUP) gettext
	$(VENV)/bin/pytest tests/i18n

# _config.yml with execution off; jupyter-book resolves local extensions from the
# config file's folder, so every `name: _ext` becomes an absolute path.
$(COMMITTED_OUTPUTS): _config.yml
	@mkdir -p $(@D)
	sed -e 's/^  execute_notebooks: force$$/  execute_notebooks: "off"/' \
	    -e 's|^    \([a-z_]*\): _ext$$|    \1: $(CURDIR)/_ext|' _config.yml > $@
	@grep -q 'execute_notebooks: "off"' $@ && grep -q '$(CURDIR)/_ext' $@ \
	  || { echo "_config.yml changed shape: update the $@ rule in the Makefile"; rm $@; exit 1; }

# Every chapter on one page, _build/singlehtml (from the committed outputs, like
# build-check, whose Sphinx environment it reuses): what the PDF prints, and what the
# browser tests' print checks read.
singlehtml: build-check-en
	$(BUILD_FROM_OUTPUTS) --builder singlehtml

# The built site in headless Chromium, offline; the per-page reader checks (laptop in light
# and dark mode: offline, math, images, links, axe-core; phone; footer) visit both editions,
# the Chinese in _build/html/zh. Idle workers take over queued tests (worksteal), so both
# finish together.
BROWSER_WORKERS := -n 2 --dist worksteal
browser: build-check singlehtml slides $(CHROMIUM) $(CJK_FONTS)
	$(VENV)/bin/pytest tests/browser $(BROWSER_WORKERS)

# Full-page screenshots of every chapter at 1280 and 390 px, in both editions, to look at:
# test-artifacts/ and test-artifacts/zh (the reader checks run too). After make book.
screenshots: $(TEST_SETUP) $(CHROMIUM) $(CJK_FONTS)
	MOMENTUM_SCREENSHOTS=1 $(VENV)/bin/pytest tests/browser/test_readers.py $(BROWSER_WORKERS) \
	  -k "test_on_a_laptop or test_on_a_phone"

# The print edition, _build/momentum.pdf: the single page reshaped into a book (title page,
# contents with page numbers, bookmarks, page labels, solutions at the end) and printed by
# Chromium (tools/print_pdf.py, assets/theme/print.css), then read back by tests/pdf.
# The Chinese print edition, _build/momentum-zh.pdf, from the Chinese single page (CJK fonts
# from Debian's fonts-noto-cjk, embedded), read back by the same checks.
# The two editions print side by side: each step is a single process.
# The checks run in one pytest process: reading the PDF's text (pdf_checks.Book) is spread
# over the cores already, and pytest-xdist would read it once per worker.
pdf: singlehtml $(CHROMIUM) $(CJK_FONTS)
	$(MAKE) $(SIDE_BY_SIDE) pdf-en pdf-zh

pdf-en:
	$(PY) tools/print_pdf.py
	$(VENV)/bin/pytest tests/pdf

pdf-zh:
	$(BUILD_FROM_OUTPUTS) --builder singlehtml --language zh_CN
	$(PY) tools/print_pdf.py --site _build/singlehtml-zh_CN --output _build/momentum-zh.pdf
	MOMENTUM_PDF=_build/momentum-zh.pdf MOMENTUM_SINGLEHTML=_build/singlehtml-zh_CN \
	  $(VENV)/bin/pytest tests/pdf -k "not _fails"

# Lecture decks: one reveal.js deck per chapter in _build/slides (tools/build_slides.py),
# from the chapters' cell metadata (slideshow.slide_type) and committed outputs; reveal.js
# and MathJax come from npm (assets/package.json) and are copied next to the decks, so
# they work offline. Present them from a local server: `make slides-serve`.
SLIDES := _build/slides/index.html
$(SLIDES): $(BOOK_SETUP) $(MATH_ASSETS) tools/build_slides.py $(wildcard tools/slides/*.* tools/slides/momentum/*) \
  $(wildcard chapters/[01][0-9]_*.ipynb) references.bib
	$(PY) tools/build_slides.py
slides: $(SLIDES)

slides-serve: $(SLIDES)
	$(PY) -m http.server --directory _build/slides --bind 127.0.0.1 $(PORT)

# Handouts (tools/handouts.py): per chapter and for the book, an exercise sheet without
# answers and a solution sheet, HTML and PDF, in _build/handouts (index.html lists them).
# Each chapter's Exercises section is cut out of the website (_build/html), without its
# solution blocks for the exercise sheets, and printed by Chromium (Playwright: the test
# set-up). The Chinese edition's sheets, in _build/handouts/zh, are cut from _build/html/zh,
# at the same time, side by side. Without a built site, the book is first built from its
# committed outputs (as build-check builds it; `make book` executes the chapters too).
# (The Chinese edition is built after the English: its page stands for both.)
BOTH_EDITIONS := _build/html/zh/index.html
$(BOTH_EDITIONS): | $(BOOK_SETUP) $(MATH_ASSETS) $(COMMITTED_OUTPUTS)
	$(BUILD_FROM_OUTPUTS)
	$(BUILD_FROM_OUTPUTS) --language zh_CN

HANDOUTS_NEEDS := $(TEST_SETUP) $(CHROMIUM) $(CJK_FONTS) | $(BOTH_EDITIONS)
handouts: $(HANDOUTS_NEEDS)
	$(MAKE) $(SIDE_BY_SIDE) handouts-en handouts-zh

handouts-en: $(HANDOUTS_NEEDS)
	$(PY) tools/handouts.py

handouts-zh: $(HANDOUTS_NEEDS)
	$(PY) tools/handouts.py --language zh_CN

# The sheets read back (tests/handouts): no answer on an exercise sheet, numbers as in the
# book, math typeset, PDF pages, page numbers, bookmarks; for each edition, in its words.
# Each edition's sheets are read back as soon as they are made, side by side (one process
# each: pytest-xdist's workers would start longer than the checks take).
# On its own, from sites built afresh (build-check), as make test's last part has them.
handouts-check: build-check $(HANDOUTS_NEEDS)
	$(MAKE) $(SIDE_BY_SIDE) -o build-check handouts-check-en handouts-check-zh

handouts-check-en: handouts-en
	$(VENV)/bin/pytest tests/handouts

handouts-check-zh: handouts-zh
	MOMENTUM_HANDOUTS_LANGUAGE=zh_CN $(VENV)/bin/pytest tests/handouts

# Student notebooks: each chapter without its solution cells (nbconvert's
# TagRemovePreprocessor, cell tag "solution"), in _build/student.
student: $(BOOK_SETUP)
	$(PY) tools/student.py

# --- reading and working locally ----------------------------------------------------
serve: book
	$(PY) -m http.server --directory _build/html --bind 127.0.0.1 $(PORT)

lab: $(LAB_SETUP)
	cd chapters && ../$(VENV)/bin/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root)

# `make lab` as a student meets it (tests/lab): headless JupyterLab in a temporary copy of the
# chapters, offline; every chapter rendered by jupyterlab-myst, chapter 4 run and its sliders moved.
lab-test: $(LAB_SETUP) $(TEST_SETUP) $(CHROMIUM)
	$(VENV)/bin/pytest tests/lab

# Re-execute the chapters in place after changing them or the package, then commit.
outputs: $(BOOK_SETUP)
	$(PY) tools/refresh_outputs.py

# Every benchmark in benchmarks/ (each prints its figures: ratios against baselines run
# in the same process), then the summary table in benchmarks/RESULTS.md.
bench: $(TEST_SETUP)
	$(PY) benchmarks/run_all.py

# Everything make made, the venv (and its set-up stamps) included.
clean:
	rm -rf _build assets/site assets/node_modules $(VENV)
