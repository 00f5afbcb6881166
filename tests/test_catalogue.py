"""The catalogue as SIB sparql-examples Turtle: one executable per stored query, deterministic."""

from __future__ import annotations

from rdflib import Graph, Literal
from rdflib.namespace import RDF, RDFS, SH

from ipexkg.catalogue import QUERIES, SCHEMA, catalogue_turtle, query_text
from ipexkg.queries import catalogue


def test_export_parses_with_one_executable_per_query() -> None:
    queries = list(catalogue().values())
    graph = Graph().parse(data=catalogue_turtle(queries), format="turtle")
    executables = set(graph.subjects(RDF.type, SH.SPARQLExecutable))
    assert executables == {QUERIES[q.name] for q in queries}
    for query in queries:
        iri = QUERIES[query.name]
        assert graph.value(iri, RDFS.comment) == Literal(query.summary, lang="en")
        assert {str(k) for k in graph.objects(iri, SCHEMA.keywords)} == set(query.tags)
        if query.form == "SELECT":
            assert (iri, RDF.type, SH.SPARQLSelectExecutable) in graph
            text = str(graph.value(iri, SH.select))
        else:
            assert (iri, RDF.type, SH.SPARQLConstructExecutable) in graph
            text = str(graph.value(iri, SH.construct))
        assert text == query_text(query)
        assert "#+" not in text and "ORDER BY" in text


def test_exported_query_text_still_runs(graph: Graph) -> None:
    query = catalogue()["causal-gene"]
    rows = list(graph.query(query_text(query)))
    assert len(rows) == len(list(graph.query(query.text)))


def test_export_is_deterministic() -> None:
    queries = list(catalogue().values())
    assert catalogue_turtle(queries) == catalogue_turtle(list(reversed(queries)))
