"""The sites under test and their pages.

The sites are folders named by environment variables (relative to the repository or
absolute), so the suite can run against a private build:

* ``MOMENTUM_SITE`` — the HTML build (default ``_build/html``, which holds the Chinese
  edition in ``zh/``: the per-page reader checks visit the pages of both);
* ``MOMENTUM_SINGLEHTML`` — the single-page build (default ``_build/singlehtml``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / os.environ.get("MOMENTUM_SITE", "_build/html")
SINGLEHTML = ROOT / os.environ.get("MOMENTUM_SINGLEHTML", "_build/singlehtml")
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Screenshots; the Chinese edition's in test-artifacts/zh.
ARTIFACTS = ROOT / "test-artifacts"
# The single-page build writes the book to chapters/intro.html but links its assets
# relative to the site root, so the browser is given that page at the root as book.html.
SINGLE_PAGE = "book.html"
VIEWPORT_HEIGHT = {1280: 900, 390: 844}


def toc_pages() -> list[str]:
    """Every page of _toc.yml, as paths relative to the site root."""
    toc = (ROOT / "_toc.yml").read_text()
    return [f"{name}.html" for name in re.findall(r"(?:root|file):\s*(\S+)", toc)]


PAGES = toc_pages()
CHAPTER_PAGES = [page for page in PAGES if re.match(r"chapters/\d\d_", page)]
# The pages the reader checks visit: every page of each edition the site holds (the Chinese
# edition in zh/, as `make book` builds it).
CHINESE = "zh/"
READER_PAGES = PAGES + ([CHINESE + page for page in PAGES] if (SITE / CHINESE / "index.html").exists() else [])
