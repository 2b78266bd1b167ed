"""Text similarity for Simplified Chinese: normalisation, character n-gram TF-IDF, top-k cosine.

Chinese has no spaces between words, so words are approximated by character unigrams and
bigrams inside runs of CJK characters; Latin letters and digits keep whole-word tokens
("cnc", "plc"), because their single letters carry no meaning.
"""

from __future__ import annotations

import re
from operator import add
import unicodedata
from collections.abc import Iterable, Iterator, Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

__all__ = [
    "normalise",
    "char_ngrams",
    "TermScanner",
    "TextModel",
    "iter_cosine_blocks",
    "top_k",
]

# Runs of CJK ideographs, or of ASCII letters/digits (with the joiners found in skill names).
_RUN = re.compile(r"[\u3400-\u9fff]+|[a-z0-9][a-z0-9+#./-]*")
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """NFKC (full-width to half-width letters, digits and punctuation), case-folded, one space."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def char_ngrams(text: str) -> list[str]:
    """Character 1- and 2-grams inside CJK runs; whole tokens for Latin words; numbers dropped.

    Numbers ("5名", "4000元") say how many or how much, never what kind of work, so they
    would only add noise to the similarity.
    """
    grams: list[str] = []
    for run in _RUN.findall(normalise(text)):
        if run[0] < "\u3400":
            if not run.replace(".", "").isdigit():
                grams.append(run)
            continue
        grams.extend(run)
        grams.extend(map(add, run, run[1:]))
    return grams


class TermScanner:
    """Finds every known term occurring in a text, by dictionary look-ups per position.

    A regular expression alternation over hundreds of terms is much slower in CPython than
    indexing the terms by their first character and testing only the lengths that exist.
    """

    def __init__(self, terms: Iterable[str]) -> None:
        by_first: dict[str, set[int]] = {}
        self._terms: set[str] = set()
        for term in terms:
            key = normalise(term)
            if key:
                self._terms.add(key)
                by_first.setdefault(key[0], set()).add(len(key))
        self._lengths = {first: sorted(lengths) for first, lengths in by_first.items()}

    def scan(self, text: str) -> list[str]:
        """Terms found in `text` (already normalised), in order of first occurrence."""
        found: dict[str, None] = {}
        lengths_for = self._lengths.get
        terms = self._terms
        for i, char in enumerate(text):
            lengths = lengths_for(char)
            if lengths is None:
                continue
            for length in lengths:
                piece = text[i : i + length]
                if piece in terms and not _inside_latin_word(text, i, i + length):
                    found[piece] = None
        return list(found)


def _inside_latin_word(text: str, start: int, end: int) -> bool:
    """True when a Latin term is part of a longer Latin word ("pr" in "print")."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return text[start].isascii() and (
        (before.isascii() and before.isalnum()) or (after.isascii() and after.isalnum())
    )


class TextModel:
    """TF-IDF over character n-grams, fitted on the documents being searched (the catalogue).

    Fitting on the catalogue only means words absent from every document (HR boilerplate
    such as 包吃住, 五险一金) have no feature at all and cannot create false matches.
    """

    def __init__(self, documents: Sequence[str]) -> None:
        self._vectorizer = TfidfVectorizer(
            analyzer=char_ngrams, sublinear_tf=True, dtype=np.float32
        )
        self.documents = self._vectorizer.fit_transform(documents).tocsr()

    @property
    def word_features(self) -> np.ndarray:
        """Boolean mask of features that are more than one character (bigrams, Latin words)."""
        names = self._vectorizer.get_feature_names_out()
        return np.fromiter((len(n) > 1 for n in names), dtype=bool, count=len(names))

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """L2-normalised TF-IDF rows for `texts`, in the catalogue's feature space."""
        return self._vectorizer.transform(texts).tocsr()


def iter_cosine_blocks(
    queries: sparse.csr_matrix, documents: sparse.csr_matrix, split: np.ndarray, max_cells: int = 1_000_000
) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """Yield (first row, cosine block, part of the cosine due to `split` features).

    Rows are L2-normalised, so the dot product is the cosine; it is computed as the sum of
    two products over disjoint feature sets, which costs the same as one product and also
    tells how much of the similarity comes from the `split` features. Chunking keeps memory
    at about `max_cells` floats per block whatever the number of queries.
    """
    rows = max(1, max_cells // max(1, documents.shape[0]))
    doc_t = documents.T.tocsr()
    inside = (sparse.diags(split.astype(np.float32)) @ doc_t).tocsr()
    outside = (sparse.diags((~split).astype(np.float32)) @ doc_t).tocsr()
    for start in range(0, queries.shape[0], rows):
        chunk = queries[start : start + rows]
        part = (chunk @ inside).toarray()
        yield start, part + (chunk @ outside).toarray(), part


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Column indices of the k best scores per row, best first (argpartition, then sort k).

    Equal scores come in column order, so results do not depend on the sort's internals.
    """
    n = scores.shape[1]
    if k >= n:
        part = np.broadcast_to(np.arange(n), scores.shape)
    else:
        part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    picked = np.take_along_axis(scores, part, axis=1)
    order = np.lexsort((part, -picked), axis=1)
    return np.take_along_axis(part, order, axis=1)
