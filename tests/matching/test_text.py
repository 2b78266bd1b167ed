import numpy as np
import pytest
from scipy import sparse

from matching import text
from matching.text import (
    TermScanner,
    TextModel,
    char_ngrams,
    iter_cosine_blocks,
    normalise,
    role_text,
    top_k,
)


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


TEXTS = ["焊接技术应用 焊接 焊接", "护理，老年护理", "数控技术应用 cnc plc 3.5", "", "c++ c# 焊焊焊 5名"]
QUERIES = ["招电焊工5名", "护理员", "ＣＮＣ操作工 PLC", "厨师", "", "print 焊接"]


def _same(a: sparse.csr_matrix, b: sparse.csr_matrix) -> bool:
    return (
        a.shape == b.shape
        and a.dtype == b.dtype
        and np.array_equal(a.indptr, b.indptr)
        and np.array_equal(a.indices, b.indices)
        and np.array_equal(a.data, b.data)
    )


def test_text_model_equals_scikit_learn_vectorizer_entry_for_entry() -> None:
    # The model counts n-grams per distinct run instead of through a Python analyzer; the
    # vectors must still be scikit-learn's, bit for bit (entry order included: it decides
    # how the L2 norms round).
    from sklearn.feature_extraction.text import TfidfVectorizer

    reference = TfidfVectorizer(analyzer=char_ngrams, sublinear_tf=True, dtype=np.float32)
    expected = reference.fit_transform(TEXTS)
    model = TextModel(TEXTS)
    assert _same(model.documents, sparse.csr_matrix(expected))
    assert _same(model.transform(QUERIES), sparse.csr_matrix(reference.transform(QUERIES)))
    names = reference.get_feature_names_out()
    assert model.word_features.tolist() == [len(n) > 1 for n in names]


def test_text_model_refuses_texts_without_any_word() -> None:
    with pytest.raises(ValueError, match="empty vocabulary"):
        TextModel(["", "2024"])


def test_dense_and_sparse_cosine_paths_agree_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    model = TextModel(TEXTS)
    queries = model.transform(QUERIES)
    dense = list(iter_cosine_blocks(queries, model.documents, model.word_features, max_cells=10))
    monkeypatch.setattr(text, "_DENSE_DOCUMENT_CELLS", 0)
    sparse_blocks = list(iter_cosine_blocks(queries, model.documents, model.word_features, max_cells=10))
    assert len(dense) == len(sparse_blocks) == 3
    for (s1, c1, w1), (s2, c2, w2) in zip(dense, sparse_blocks):
        assert s1 == s2 and c1.dtype == c2.dtype == np.float32
        assert np.array_equal(c1, c2) and np.array_equal(w1, w2)


def test_term_scanner_pieces_find_what_a_whole_text_scan_finds() -> None:
    # Pieces are cut at characters no term contains; Latin neighbours stay in the piece.
    scanner = TermScanner(["电焊", "电焊工", "pr", "焊", "cnc操作", "3d打印"])
    assert scanner.scan("招电焊工，会pr。cnc操作工 3d打印") == [
        "电焊",
        "电焊工",
        "焊",
        "pr",
        "cnc操作",
        "3d打印",
    ]
    assert scanner.scan("prz电焊 xpr，pr") == ["电焊", "焊", "pr"]
    assert scanner.scan("包吃住，五险一金") == []


def test_normalise_collapses_every_kind_of_whitespace_like_the_regular_expression() -> None:
    import re
    import sys
    import unicodedata

    spaces = [chr(c) for c in range(sys.maxunicode + 1) if re.fullmatch(r"\s", chr(c))]
    text = f"{''.join(spaces)}电焊{''.join(reversed(spaces))}ＰＬＣ\t\u3000 工 " + " x ".join(spaces)
    regex_version = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text).casefold()).strip()
    assert normalise(text) == regex_version
    assert normalise(text).startswith("电焊 plc 工 x x")


def test_an_ad_is_read_from_its_duties_and_requirements_not_its_blurb_benefits_or_hours() -> None:
    ad = (
        "【公司简介】本公司是一家集原料药与制剂于一体的医药企业。【岗位职责】1.负责结构件的二氧化碳气体保护焊；"
        "2.自检焊缝。【任职要求】持焊工证。【福利待遇】五险一金，包吃住。【工作时间】两班倒"
    )
    assert role_text(ad) == "1.负责结构件的二氧化碳气体保护焊；2.自检焊缝。持焊工证"
    numbered = "一、岗位职责：负责数控车床操作。二、任职要求：会看图纸。三、公司介绍：我们是一家车企。"
    assert role_text(numbered) == "负责数控车床操作。会看图纸"
    # Duties first, blurb and benefits after their own headings; English colons too.
    ad = "工作内容:负责养老院老人照护。公司介绍:集团经营三家化工厂。我们提供:五险"
    assert role_text(ad) == "负责养老院老人照护"


def test_without_role_headings_only_the_sentences_about_the_company_go() -> None:
    text = "本公司是一家钢铁企业，位于莱芜高新区。负责设备点检与维修。包吃住。"
    assert role_text(text) == "负责设备点检与维修。包吃住。"
    assert role_text("负责数控车床的操作、程序输入与对刀。") == "负责数控车床的操作、程序输入与对刀。"
    assert role_text("") == ""
    # Only a benefits heading: what comes before it is the role.
    assert role_text("负责电梯维保。福利待遇：五险一金") == "负责电梯维保。"


def test_a_saved_model_transforms_as_the_fitted_one_bit_for_bit() -> None:
    """Issue 31: the portal keeps the model fitted on every major (`state`, as numpy.savez stores
    it without pickling) and ranks one major with it later."""
    import io

    model = TextModel(TEXTS)
    buffer = io.BytesIO()
    np.savez(buffer, **model.state())
    buffer.seek(0)
    with np.load(buffer, allow_pickle=False) as arrays:
        loaded = TextModel.from_state({name: arrays[name] for name in arrays.files})
    assert loaded.documents is None
    assert _same(loaded.transform(QUERIES), model.transform(QUERIES))
    assert _same(loaded.transform(TEXTS, as_documents=True), model.documents)
    assert loaded.word_features.tolist() == model.word_features.tolist()
    with pytest.raises(ValueError):
        TextModel.from_state({"features": np.array(["焊"]), "idf": np.array([1.0, 2.0]), "first_seen": [0]})
