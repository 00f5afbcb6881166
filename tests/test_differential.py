"""The phenotypic differential: simGIC over the HPO hierarchy on a synthetic corpus."""

from __future__ import annotations

import math
import pickle
from pathlib import Path
from types import MappingProxyType

import pytest

from ipexkg.differential import (
    PHENOTYPIC_ABNORMALITY,
    Corpus,
    differential,
    load_corpus,
    patient_phenotypes,
    save_corpus,
)

ROOT = PHENOTYPIC_ABNORMALITY
# a synthetic hierarchy below the phenotype root: A (A1, A2) and B (B1); X is outside the branch
A, A1, A2, B, B1, X = (f"HP:900000{i}" for i in range(1, 7))
PARENTS = {A: (ROOT,), A1: (A,), A2: (A,), B: (ROOT,), B1: (B,), X: ("HP:0000001",)}
DISEASES = {
    "D:1": frozenset({A1, B1}),
    "D:2": frozenset({A1}),
    "D:3": frozenset({A2}),
    "D:4": frozenset({B1, X}),
    "D:5": frozenset({B}),
}
CORPUS = Corpus(
    MappingProxyType(DISEASES),
    MappingProxyType(PARENTS),
    MappingProxyType({d: f"disease {d}" for d in DISEASES}),
)


def _ic(n: int) -> float:
    return -math.log(n / len(DISEASES))


def test_known_ranking_and_scores() -> None:
    matches = differential(CORPUS, {A1, B1})
    assert [m.disease for m in matches] == ["D:1", "D:2", "D:4", "D:5", "D:3"]
    query = _ic(3) + _ic(2) + _ic(3) + _ic(2)  # A, A1, B, B1 (the root has IC 0)
    expected = {
        "D:1": 1.0,
        "D:2": (_ic(3) + _ic(2)) / query,
        "D:4": (_ic(3) + _ic(2)) / query,
        "D:5": _ic(3) / query,
        "D:3": _ic(3) / (query + _ic(1)),
    }
    for match in matches:
        assert match.score == pytest.approx(expected[match.disease])


def test_coverage_ranks_by_the_share_of_the_query_then_by_simgic() -> None:
    # a patient's list {A1, B}: simGIC puts first D:2 ({A1}: nothing the list lacks) and makes
    # D:1 ({A1, B1}) pay for B1; coverage puts first D:1, which explains all of the list
    query = _ic(3) + _ic(2) + _ic(3)  # A, A1, B (the root has IC 0)
    by_simgic = differential(CORPUS, {A1, B})
    assert [m.disease for m in by_simgic] == ["D:2", "D:1", "D:5", "D:4", "D:3"]
    matches = differential(CORPUS, {A1, B}, measure="coverage")
    # D:5, D:4 and D:3 each explain one third-level term (B or A): equal coverage, so simGIC
    # orders them
    assert [m.disease for m in matches] == ["D:1", "D:2", "D:5", "D:4", "D:3"]
    coverage = {
        "D:1": 1.0,
        "D:2": (_ic(3) + _ic(2)) / query,
        "D:5": _ic(3) / query,
        "D:4": _ic(3) / query,
        "D:3": _ic(3) / query,
    }
    simgic = {m.disease: m.score for m in by_simgic}
    for match in matches:
        assert match.score == pytest.approx(coverage[match.disease])
        assert match.simgic == pytest.approx(simgic[match.disease])
    assert simgic["D:1"] == pytest.approx(query / (query + _ic(2)))  # the union adds B1
    with pytest.raises(ValueError, match="unknown measure 'jaccard'"):
        differential(CORPUS, {A1}, measure="jaccard")


def test_shared_phenotypes_are_the_most_specific() -> None:
    by_id = {m.disease: m for m in differential(CORPUS, {A1, B1})}
    assert set(by_id["D:1"].shared) == {A1, B1}
    assert by_id["D:2"].shared == (A1,)
    assert by_id["D:3"].shared == (A,)
    assert by_id["D:5"].shared == (B,)


def test_exclude_top_and_terms_outside_the_branch() -> None:
    matches = differential(CORPUS, {A1, B1}, exclude={"D:1"}, top=2)
    assert [m.disease for m in matches] == ["D:2", "D:4"]
    with pytest.raises(ValueError, match="phenotypic abnormality"):
        differential(CORPUS, {X, "HP:0000001"})


def test_saved_corpus_ranks_the_same(tmp_path: Path) -> None:
    path = tmp_path / "corpus.npz"
    save_corpus(CORPUS, path)
    loaded = load_corpus(path)
    assert loaded is not None
    assert dict(loaded.phenotypes) == DISEASES
    assert differential(loaded, {A1, B1}) == differential(CORPUS, {A1, B1})
    skip = {"D:3"}
    assert differential(loaded, {A2}, exclude=skip) == differential(CORPUS, {A2}, exclude=skip)


def test_a_missing_or_damaged_saved_corpus_is_not_used(tmp_path: Path) -> None:
    path = tmp_path / "corpus.npz"
    assert load_corpus(path) is None
    path.write_bytes(b"not a numpy archive")
    assert load_corpus(path) is None


def test_a_saved_corpus_never_runs_code_from_the_file(tmp_path: Path) -> None:
    # a pickle (which could run code when loaded) in place of the corpus is refused unread
    path = tmp_path / "corpus.npz"
    path.write_bytes(pickle.dumps({"format": 1}))
    assert load_corpus(path) is None


def test_patient_phenotypes_accepts_curies_and_iris_and_names_every_unknown_item() -> None:
    iri = "http://purl.obolibrary.org/obo/HP_"
    given = [A1, f"{iri}{B1[3:]}", f"<{iri}{A2[3:]}>", f" {A1} "]
    assert patient_phenotypes(CORPUS, given) == frozenset({A1, A2, B1})
    # X is a term outside the phenotype branch; HP:9999999 is in no hierarchy
    with pytest.raises(ValueError, match=r"\): HP:9000006, HP:9999999, A1$"):
        patient_phenotypes(CORPUS, [A1, X, "HP:9999999", "A1"])
    with pytest.raises(ValueError, match="no phenotypes given"):
        patient_phenotypes(CORPUS, [])
