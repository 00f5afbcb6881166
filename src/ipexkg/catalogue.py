"""The query catalogue as data: SIB ``sparql-examples`` Turtle describing every stored query.

Each query becomes ``https://w3id.org/ipexkg/queries/<name>``, typed ``sh:SPARQLExecutable`` and
the executable class of its form, with ``rdfs:label`` (its name), ``rdfs:comment`` (its summary),
``schema:keywords`` (its tags) and the query text under ``sh:select`` / ``sh:construct`` /
``sh:ask`` / ``spex:describe``, as https://github.com/sib-swiss/sparql-examples describes.
The ``#+`` header lines are left out of the text, since the metadata is now RDF.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SH

from ipexkg.export import serialize_turtle
from ipexkg.queries import StoredQuery

__all__ = ["QUERIES", "SCHEMA", "SPEX", "catalogue_graph", "catalogue_turtle", "query_text"]

#: the namespace of the stored queries' IRIs
QUERIES = Namespace("https://w3id.org/ipexkg/queries/")
SCHEMA = Namespace("https://schema.org/")
SPEX = Namespace("https://purl.expasy.org/sparql-examples/ontology#")

_FORM = {
    "SELECT": (SH.SPARQLSelectExecutable, SH.select),
    "CONSTRUCT": (SH.SPARQLConstructExecutable, SH.construct),
    "ASK": (SH.SPARQLAskExecutable, SH.ask),
    "DESCRIBE": (SPEX.SPARQLDescribeExecutable, SPEX.describe),
}


def query_text(query: StoredQuery) -> str:
    """Return the query text without its ``#+`` header lines (and leading blank lines)."""
    lines = [line for line in query.text.splitlines() if not line.lstrip().startswith("#+")]
    return "\n".join(lines).strip("\n") + "\n"


def catalogue_graph(queries: Iterable[StoredQuery]) -> Graph:
    """Return the sparql-examples description of ``queries`` as a graph (no blank nodes)."""
    graph = Graph(bind_namespaces="core")
    graph.bind("sh", SH)
    graph.bind("schema", SCHEMA)
    graph.bind("spex", SPEX)
    graph.bind("ipexq", QUERIES)
    for query in queries:
        iri = URIRef(QUERIES[query.name])
        executable, text_property = _FORM[query.form]
        graph.add((iri, RDF.type, SH.SPARQLExecutable))
        graph.add((iri, RDF.type, executable))
        graph.add((iri, RDFS.label, Literal(query.name)))
        graph.add((iri, RDFS.comment, Literal(query.summary or query.name, lang="en")))
        graph.add((iri, text_property, Literal(query_text(query))))
        for tag in query.tags:
            graph.add((iri, SCHEMA.keywords, Literal(tag)))
    return graph


def catalogue_turtle(queries: Iterable[StoredQuery]) -> str:
    """Return the catalogue as deterministic Turtle (rdflib ``longturtle``, canonical)."""
    return serialize_turtle(catalogue_graph(queries))
