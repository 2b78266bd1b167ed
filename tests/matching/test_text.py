import numpy as np
from scipy import sparse

from matching.text import TermScanner, TextModel, char_ngrams, iter_cosine_blocks, normalise, top_k


def test_normalise_folds_full_width_and_case() -> None:
    assert normalise("ＣＮＣ　操作\u3000工 ") == "cnc 操作 工"


def test_char_ngrams_are_unigrams_and_bigrams_inside_cjk_runs_and_words_for_latin() -> None:
    assert char_ngrams("电焊工，PLC 5名") == ["电", "焊", "工", "电焊", "焊工", "plc", "名"]


def test_term_scanner_finds_overlapping_terms_but_not_latin_inside_words() -> None:
    scanner = TermScanner(["电焊", "电焊工", "pr", "焊"])
    assert scanner.scan("招电焊工") == ["电焊", "电焊工", "焊"]
    assert scanner.scan("print") == []
    assert scanner.scan("会pr剪辑") == ["pr"]


def test_top_k_returns_best_columns_first() -> None:
    scores = np.array([[0.1, 0.9, 0.5, 0.7], [0.3, 0.2, 0.1, 0.0]])
    assert top_k(scores, 2).tolist() == [[1, 3], [0, 1]]
    assert top_k(scores, 9).tolist() == [[1, 3, 2, 0], [0, 1, 2, 3]]


def test_chunked_cosine_equals_full_product_and_splits_word_part() -> None:
    model = TextModel(["焊接技术应用", "护理", "数控技术应用"])
    queries = model.transform(["焊接", "护理员", "数控", "厨师"])
    full = (queries @ model.documents.T).toarray()
    blocks = list(iter_cosine_blocks(queries, model.documents, model.word_features, max_cells=3))
    assert len(blocks) == 4
    assert np.allclose(np.vstack([b[1] for b in blocks]), full)
    words = np.vstack([b[2] for b in blocks])
    assert np.all(words <= full + 1e-6)
    assert words[3].max() == 0.0
    assert isinstance(queries, sparse.csr_matrix)
