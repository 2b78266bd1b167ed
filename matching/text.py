"""Text similarity for Simplified Chinese: normalisation, character n-gram TF-IDF, top-k cosine.

Chinese has no spaces between words, so words are approximated by character unigrams and
bigrams inside runs of CJK characters; Latin letters and digits keep whole-word tokens
("cnc", "plc"), because their single letters carry no meaning.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from operator import add

import numpy as np

from matching._lazy import LazyModule

sparse = LazyModule("scipy.sparse")

__all__ = [
    "normalise",
    "char_ngrams",
    "TermScanner",
    "TextModel",
    "iter_cosine_blocks",
    "top_k",
    "role_text",
]

# Runs of CJK ideographs, or of ASCII letters/digits (with the joiners found in skill names).
_RUN = re.compile(r"[\u3400-\u9fff]+|[a-z0-9][a-z0-9+#./-]*")
# Above this many cells (features x documents) the cosine keeps the documents sparse, so
# that memory stays bounded for very large catalogues (64 MB of float32 at the limit).
_DENSE_DOCUMENT_CELLS = 16_000_000


def normalise(text: str) -> str:
    """NFKC (full-width to half-width letters, digits and punctuation), case-folded, one space.

    `str.split()` cuts at the same characters as the regular expression `\\s+` (those for
    which `str.isspace()` holds), and joining its pieces is about twice as fast.
    """
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _run_grams(run: str) -> list[str]:
    """The n-grams of one run of `_RUN` (see `char_ngrams`)."""
    if run[0] < "\u3400":
        return [] if run.replace(".", "").isdigit() else [run]
    return [*run, *map(add, run, run[1:])]


def char_ngrams(text: str) -> list[str]:
    """Character 1- and 2-grams inside CJK runs; whole tokens for Latin words; numbers dropped.

    Numbers ("5名", "4000元") say how many or how much, never what kind of work, so they
    would only add noise to the similarity.
    """
    grams: list[str] = []
    for run in _RUN.findall(normalise(text)):
        grams.extend(_run_grams(run))
    return grams


class TermScanner:
    """Finds every known term occurring in a text, by dictionary look-ups per position.

    A regular expression alternation over hundreds of terms is much slower in CPython than
    indexing the terms by their first character and testing only the lengths that exist.
    Texts are cut into pieces at characters that no term contains, and each distinct piece
    is scanned once per process: postings repeat the same phrases (包吃住, 会电焊, a
    catalogue major's introduction) thousands of times.
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
        # ASCII letters and digits always stay inside a piece: whether a Latin term stands
        # alone depends on its neighbours, and a piece's edges must look like a space.
        chars = set("".join(self._terms)) | set(string.ascii_letters + string.digits)
        self._pieces = re.compile("[" + "".join(map(re.escape, sorted(chars))) + "]+")
        self._scan_piece = lru_cache(maxsize=1 << 16)(self._scan_uncached)

    def scan(self, text: str) -> list[str]:
        """Terms found in `text` (already normalised), in order of first occurrence."""
        found: dict[str, None] = {}
        scan_piece = self._scan_piece
        for piece in self._pieces.findall(text):
            found.update(scan_piece(piece))
        return list(found)

    def _scan_uncached(self, text: str) -> dict[str, None]:
        """Terms in one piece, in order of position then length (a dict used as ordered set)."""
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
        return found


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

    The counts are those of scikit-learn's `TfidfVectorizer(analyzer=char_ngrams)`, entry
    for entry, but computed without a Python loop over n-grams: a text is a bag of runs
    (`_RUN`), each distinct run's n-grams are counted once, and the count matrix is the
    product (texts x runs) @ (runs x n-grams). The weighting is scikit-learn's
    `TfidfTransformer`, so the vectors are identical to the vectorizer's.
    """

    def __init__(self, documents: Sequence[str]) -> None:
        runs, doc_runs = _run_matrix(documents)
        # Feature ids in order of first occurrence, as scikit-learn assigns them while counting.
        first_seen: dict[str, int] = {}
        grams_of_runs = []
        for run in runs:
            grams = _run_grams(run)
            grams_of_runs.append(grams)
            for gram in grams:
                first_seen.setdefault(gram, len(first_seen))
        if not first_seen:
            raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
        counts = doc_runs @ _gram_matrix(
            [[first_seen[g] for g in grams] for grams in grams_of_runs], len(first_seen)
        )
        counts.sort_indices()
        # Then columns are renumbered in alphabetical order without re-sorting each row, like
        # CountVectorizer does: the order of a row's entries decides how its L2 norm rounds.
        names = sorted(first_seen)
        renumber = np.empty(len(names), dtype=counts.indices.dtype)
        renumber[[first_seen[n] for n in names]] = np.arange(len(names), dtype=counts.indices.dtype)
        counts.indices = renumber[counts.indices]
        # Each feature's id in order of first occurrence: documents transformed later keep their
        # entries in that order, as fitting left them (`transform_documents`).
        self._first_seen = np.empty(len(names), dtype=counts.indices.dtype)
        self._first_seen[renumber] = np.arange(len(names), dtype=counts.indices.dtype)
        self._vocabulary = {name: i for i, name in enumerate(names)}
        self._features = names
        # Feature ids of each run seen so far (unknown n-grams dropped), reused by transform.
        self._run_features: dict[str, list[int]] = {
            run: [self._vocabulary[g] for g in grams] for run, grams in zip(runs, grams_of_runs)
        }
        from sklearn.feature_extraction.text import TfidfTransformer  # on first use: see matching._lazy

        self._tfidf = TfidfTransformer(sublinear_tf=True).fit(counts)
        self.documents = sparse.csr_matrix(self._tfidf.transform(counts, copy=False))

    def state(self) -> dict[str, np.ndarray]:
        """What `from_state` needs to transform texts exactly as this model does: the features
        (n-grams, in column order) and their idf weights, as plain arrays (`numpy.savez` stores
        them without pickling)."""
        return {
            "features": np.array(self._features, dtype=str),
            "idf": self._tfidf.idf_,
            "first_seen": self._first_seen,
        }

    @classmethod
    def from_state(cls, state: dict[str, np.ndarray]) -> TextModel:
        """A model saved by `state`: its `transform` gives the vectors the fitted model gives,
        bit for bit (same vocabulary, same idf, same code). It has no `documents`: the corpus it
        was fitted on is not kept, its rows are `transform(texts)`, which is what fitting gave."""
        features = [str(f) for f in state["features"]]
        idf, first_seen = np.asarray(state["idf"]), np.asarray(state["first_seen"])
        if not features or not len(features) == len(idf) == len(first_seen):
            raise ValueError("text model: features, idf weights and order do not match")
        model = cls.__new__(cls)
        model._features = features
        model._first_seen = first_seen
        model._vocabulary = {name: i for i, name in enumerate(features)}
        model._run_features = {}
        from sklearn.feature_extraction.text import TfidfTransformer  # on first use: see matching._lazy

        model._tfidf = TfidfTransformer(sublinear_tf=True)
        model._tfidf.idf_ = idf
        model._tfidf.n_features_in_ = len(features)
        model.documents = None
        return model

    @property
    def word_features(self) -> np.ndarray:
        """Boolean mask of features that are more than one character (bigrams, Latin words)."""
        names = self._features
        return np.fromiter((len(n) > 1 for n in names), dtype=bool, count=len(names))

    def transform(self, texts: Sequence[str], *, as_documents: bool = False) -> sparse.csr_matrix:
        """L2-normalised TF-IDF rows for `texts`, in the catalogue's feature space.

        `as_documents`: rows of documents of the catalogue exactly as fitting gave them. Fitting
        keeps each row's entries in the order the n-grams were first seen, and that order
        decides how the row's L2 norm rounds; sorted entries can differ in the last bit.
        """
        runs, text_runs = _run_matrix(texts)
        known, vocabulary = self._run_features, self._vocabulary
        rows = []
        for run in runs:
            features = known.get(run)
            if features is None:
                features = [vocabulary[g] for g in _run_grams(run) if g in vocabulary]
                known[run] = features
            rows.append(features)
        counts = text_runs @ _gram_matrix(rows, len(self._features))
        if as_documents:  # as fitting does: sorted by first occurrence, then renumbered
            counts.indices = self._first_seen[counts.indices].astype(counts.indices.dtype)
            counts.sort_indices()
            counts.indices = np.argsort(self._first_seen).astype(counts.indices.dtype)[counts.indices]
        else:
            counts.sort_indices()
        return sparse.csr_matrix(self._tfidf.transform(counts, copy=False))


def _run_matrix(texts: Sequence[str]) -> tuple[list[str], sparse.csr_matrix]:
    """The distinct runs of `texts` in order of first occurrence, and (texts x runs) counts."""
    ids: defaultdict[str, int] = defaultdict()
    ids.default_factory = ids.__len__  # a new run gets the next id
    indices: list[int] = []
    indptr = [0]
    find, lookup = _RUN.findall, ids.__getitem__
    for text in texts:
        indices.extend(map(lookup, find(normalise(text))))
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float32)
    return list(ids), sparse.csr_matrix((data, indices, indptr), shape=(len(texts), len(ids)))


def _gram_matrix(rows: list[list[int]], n_features: int) -> sparse.csr_matrix:
    """(runs x features) counts from each run's feature ids (repeated ids are summed)."""
    indptr = np.cumsum([0, *map(len, rows)])
    indices = np.fromiter((f for row in rows for f in row), dtype=np.int32, count=int(indptr[-1]))
    data = np.ones(len(indices), dtype=np.float32)
    return sparse.csr_matrix((data, indices, indptr), shape=(len(rows), n_features))


def iter_cosine_blocks(
    queries: sparse.csr_matrix, documents: sparse.csr_matrix, split: np.ndarray, max_cells: int = 1_000_000
) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """Yield (first row, cosine block, part of the cosine due to `split` features).

    Rows are L2-normalised, so the dot product is the cosine; it is computed as the sum of
    two products over disjoint feature sets, which costs the same as one product and also
    tells how much of the similarity comes from the `split` features. Chunking keeps memory
    at about `max_cells` floats per block whatever the number of queries.

    When the catalogue is small enough, the documents are held dense (features x documents)
    and each query row is added up feature by feature into its block row: this is the very
    sum, in the same order, that the sparse product does (it only skips zeros), so the
    figures are identical, but it needs no symbolic pass and no sparse result to convert.
    """
    rows = max(1, max_cells // max(1, documents.shape[0]))
    doc_t = documents.T.tocsr()
    if doc_t.shape[0] * doc_t.shape[1] <= _DENSE_DOCUMENT_CELLS:
        inside_features, outside_features = np.flatnonzero(split), np.flatnonzero(~split)
        inside, outside = doc_t[inside_features].toarray(), doc_t[outside_features].toarray()
        queries_inside, queries_outside = queries[:, inside_features], queries[:, outside_features]
        for start in range(0, queries.shape[0], rows):
            part = queries_inside[start : start + rows] @ inside
            yield start, part + queries_outside[start : start + rows] @ outside, part
        return
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


# --- reading an ad as it is written -------------------------------------------------------------
# Real ads wrap the role (岗位职责, 任职要求) in the company's blurb (公司简介: its industry, products,
# customers), benefits and hours. Only the role's sections say what the job is; an industry word in
# the blurb ("本公司是一家医药企业") is not evidence that a welder's job needs a pharmacy major.
_ROLE_HEADINGS = (
    "岗位职责|工作职责|职位职责|职责描述|岗位描述|职位描述|岗位说明|职位说明|工作内容|主要职责|岗位内容"
    "|任职要求|任职资格|任职条件|岗位要求|职位要求|招聘要求|技能要求|应聘要求|能力要求"
)
_OTHER_HEADINGS = (
    "公司简介|公司介绍|企业简介|企业介绍|关于我们|公司概况|单位简介|集团简介|我们是谁"
    "|福利待遇|薪资福利|薪酬福利|薪资待遇|薪酬待遇|薪资结构|福利|待遇|我们提供|员工福利"
    "|工作时间|上班时间|工作地点|上班地点|工作地址|公司地址|联系方式|联系电话|联系人|面试地点|面试时间"
)
_ROLE_SET = frozenset(_ROLE_HEADINGS.split("|"))
_HEADING_SET = _ROLE_SET | frozenset(_OTHER_HEADINGS.split("|"))
_HEADING_LENGTHS = sorted({len(h) for h in _HEADING_SET}, reverse=True)
_DELIMITER = re.compile(r"[:：】\]]")
# "二、" left at the end of a section: the number of the next heading.
_NUMBERING = re.compile(r"[一二三四五六七八九十\d]+\s*[、.．]\s*[【\[]?\s*$")


def _headings(description: str) -> list[tuple[int, int, str]]:
    """(start, end, heading) of each section heading: a heading word right before ：, : or 】
    (after an optional 【 or a number such as 一、), found from the delimiters, not by a regex
    alternation tried at every position."""
    out: list[tuple[int, int, str]] = []
    for m in _DELIMITER.finditer(description):
        end = m.start()
        while end > 0 and description[end - 1] in " 】]":
            end -= 1
        for length in _HEADING_LENGTHS:
            word = description[max(0, end - length) : end]
            if word in _HEADING_SET:
                start = end - length
                if not out or start >= out[-1][1]:
                    out.append((start, m.end(), word))
                elif start == out[-1][0]:  # 【岗位职责】： -- the same heading, its end moves on
                    out[-1] = (start, m.end(), word)
                break
    return out


_BLURB_SUBJECT = re.compile(r"公司|我们|集团|本院|医院|企业|单位")
# A sentence about the company rather than the job: names the company and says what it is or does.
_BLURB = re.compile(
    r"(?:本公司|我公司|公司|我们|集团|本院|医院|企业|单位)[^。！!]{0,20}?"
    r"(?:是一家|是一所|成立于|始建于|创建于|位于|坐落于|主营|主要从事|从事|专注于|致力于|业务涵盖|经营|拥有|旗下|依托|隶属)"
)


def role_text(description: str) -> str:
    """The part of a posting's description that says what the job is.

    With section headings (岗位职责：, 【任职要求】, 工作内容: …), the role's sections only: the text
    before the first of them and the sections headed 公司简介, 福利待遇, 工作时间, 联系方式 … are
    dropped. Without them, every sentence except those describing the company (本公司是一家…,
    公司成立于…). A description with neither is returned unchanged.
    """
    marks = _headings(description)
    if any(word in _ROLE_SET for _, _, word in marks):
        kept = [
            description[end : marks[i + 1][0] if i + 1 < len(marks) else len(description)]
            for i, (_, end, word) in enumerate(marks)
            if word in _ROLE_SET
        ]
        return "。".join(_NUMBERING.sub("", part).strip(" 。；;【[") for part in kept)
    if marks:  # only blurb/benefit headings: keep what comes before them
        description = description[: marks[0][0]]
    if not _BLURB_SUBJECT.search(description):
        return description
    sentences = re.split(r"(?<=[。！!？?\n])", description)
    return "".join(s for s in sentences if not _BLURB.search(s))
