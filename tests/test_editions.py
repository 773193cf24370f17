"""The editions extension (_ext/editions.py): its two fixes for the speed of the Chinese build.

* A node parsed from a translated message must not keep the message's own document: that
  document's settings hold the build environment, which pickling the page then copies
  into every doctree (the Chinese doctrees were 1-2.6 MB a page instead of 0.1-0.2 MB).
* Sphinx's Chinese search keeps the Latin words it has seen in a list it searches for every
  word; as a set (``LatinTerms``) it answers the same.
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document
from sphinx.search.zh import SearchChinese

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_ext"))
import editions  # a Sphinx extension, imported from _ext


def document(environment: object | None = None) -> nodes.document:
    settings = get_default_settings(Parser)
    settings.env = environment
    return new_document("page", settings)


def translated_page() -> tuple[nodes.document, nodes.math]:
    """A page with a paragraph whose formula came from a message parsed on its own, as
    Sphinx's i18n transform leaves it: the node still points at the message's document."""
    page = document()
    message = document(environment=list(range(200_000)))  # stands for the build environment
    formula = nodes.math("", "\\gamma")
    formula.document = message
    page += nodes.paragraph("", "", nodes.Text("momentum "), formula)
    return page, formula


def test_translated_nodes_are_detached_from_their_message_documents():
    page, formula = translated_page()
    heavy = len(pickle.dumps(page))
    editions.detach_translations(None, page)
    assert formula.document is page
    light = len(pickle.dumps(page))
    assert light < 20_000 < heavy, (light, heavy)  # the planted environment alone pickles to ~1 MB


def test_latin_terms_answer_as_the_list_did():
    words = ["momentum", "SGD", "the", "eta", "momentum"]
    as_list, as_set = [], editions.LatinTerms()
    as_list.extend(words)
    as_set.extend(words)
    for word in ["momentum", "SGD", "sgd", "nesterov", ""]:
        assert (word in as_list) == (word in as_set)


def test_chinese_search_uses_the_set_once_the_extension_is_loaded():
    class App:
        def connect(self, *args):
            pass

    editions.setup(App())
    assert isinstance(SearchChinese.latin_terms, editions.LatinTerms)
