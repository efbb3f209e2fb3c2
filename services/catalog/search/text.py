"""What search matches, decided in Python so that both databases agree.

Matching rule: a query is split into terms at whitespace and at the separators
``, ， 、 ; ；``; a dataset matches when *every* term occurs as a substring of its
searchable text (titles, keywords, descriptions in both languages). Text and terms
are compared after Unicode NFKC normalisation and case folding, so ``ＡＩ``, ``AI`` and
``ai`` are one term and full-width digits equal ASCII ones. Substring matching is what
Chinese needs (there are no spaces between words: 交通 must be found inside
杭州市公共交通客流量), and it is what trigram indexes answer.

Trigram indexes cannot look up a term shorter than three characters, yet most
Chinese words have two. Each dataset therefore also carries ``short_grams``: every
distinct one- and two-character substring of its text, space-separated and with a
space at both ends. A term ``t`` of one or two characters occurs in the text exactly
when it is one of those grams: on SQLite the FTS5 trigram index looks up `` t ``
(with its spaces, three or four characters, so a trigram phrase), on PostgreSQL the
grams are stored as an array under a GIN index that finds ``t`` as an element.

Relevance (integers, so both databases order alike)::

    score = sum over terms of  4·[term in a title] + 2·[term in the keywords]
                             + 1·[term in a description]

Results are ordered by score, then by ``updated_at`` (newest first), then by id, which
is unique, so every position is fixed and cursor pagination neither repeats nor skips.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

MAX_QUERY_CHARS = 200
MAX_TERMS = 8
SHORT_TERM = 2  # terms this long or shorter are looked up in ``short_grams``

TITLE_WEIGHT = 4
KEYWORD_WEIGHT = 2
DESCRIPTION_WEIGHT = 1

_TERM_SEPARATORS = re.compile(r"[\s,，、;；]+")


def normalise(text: str) -> str:
    """NFKC-normalised, case-folded text: the form both documents and terms take."""
    return unicodedata.normalize("NFKC", text).casefold()


def query_terms(query: str) -> list[str]:
    """The distinct terms of a search query, in their order, normalised."""
    terms: list[str] = []
    for raw in _TERM_SEPARATORS.split(normalise(query)):
        # NFKC can turn one character into several, some of them whitespace.
        for term in raw.split():
            if term not in terms:
                terms.append(term)
    return terms


def short_grams(text: str) -> str:
    """Every distinct one- and two-character substring of ``text`` that holds no
    whitespace, sorted, space-separated, with a space at both ends."""
    grams: set[str] = set()
    for run in text.split():
        grams.update(run)
        grams.update(run[i : i + 2] for i in range(len(run) - 1))
    return " " + " ".join(sorted(grams)) + " "


@dataclass(frozen=True)
class SearchDocument:
    """The normalised searchable text of one dataset, by field and as a whole."""

    title_text: str
    keyword_text: str
    body_text: str

    @property
    def document(self) -> str:
        """All fields, one per line (terms never hold whitespace, so never span two)."""
        return "\n".join((self.title_text, self.keyword_text, self.body_text))

    @property
    def short_grams(self) -> str:
        """The short-term lookup string of the whole document."""
        return short_grams(self.document)


def search_document(
    *, titles: Iterable[str], keywords: Iterable[str], descriptions: Iterable[str]
) -> SearchDocument:
    """The search document of a dataset's titles, keywords and descriptions."""
    return SearchDocument(
        title_text=normalise("\n".join(t for t in titles if t)),
        keyword_text=normalise("\n".join(keywords)),
        body_text=normalise("\n".join(d for d in descriptions if d)),
    )


def score(document: SearchDocument, terms: Iterable[str]) -> int:
    """The relevance of a document for ``terms`` (the formula the SQL computes)."""
    total = 0
    for term in terms:
        total += TITLE_WEIGHT * (term in document.title_text)
        total += KEYWORD_WEIGHT * (term in document.keyword_text)
        total += DESCRIPTION_WEIGHT * (term in document.body_text)
    return total


def matches(document: SearchDocument, terms: Iterable[str]) -> bool:
    """Whether every term occurs in the document (the rule the indexes answer)."""
    text = document.document
    return all(term in text for term in terms)


def like_escape(text: str, escape: str = "/") -> str:
    """``text`` with LIKE's wildcards and the escape character escaped."""
    return (
        text.replace(escape, escape + escape).replace("%", escape + "%").replace("_", escape + "_")
    )


def fts5_phrase(text: str) -> str:
    """``text`` as an FTS5 string literal (double quotes doubled inside)."""
    return '"' + text.replace('"', '""') + '"'
