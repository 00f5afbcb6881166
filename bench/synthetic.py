"""A synthetic graph of the built graph's shape, scaled to a number of triples.

The built IPEX graph is copied as many times as needed, as a knowledge graph of many diseases
would be: each copy renames the disease (MONDO:0010580 -> MONDO:20000NN) and every association
node, and keeps the shared vocabulary (HPO, UBERON, CL, ECO terms, publications, curators). Each
copy therefore carries the same facts, provenance and qualifiers, so the shapes and QC queries do
the same work per triple as on the real graph, and the synthetic graph conforms too.

Run ``python bench/synthetic.py 100000 out.nt`` to write one as N-Triples.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from ipexkg.build import build_graph
from ipexkg.namespaces import bind

__all__ = ["DISEASE", "synthetic_graph"]

DISEASE = URIRef("http://purl.obolibrary.org/obo/MONDO_0010580")


def _copy_triples(
    base: Graph, associations: set[URIRef], copy: int
) -> Iterator[tuple[Node, Node, Node]]:
    disease = URIRef(f"http://purl.obolibrary.org/obo/MONDO_{2_000_000 + copy:07d}")

    def rename(term: Node) -> Node:
        if term == DISEASE:
            return disease
        if term in associations:
            return URIRef(f"{term}-{copy}")
        return term

    for s, p, o in base:
        if s in associations or s == DISEASE or o == DISEASE:
            if p == RDFS.label and s == DISEASE:
                o = Literal(f"{o} (synthetic copy {copy})", lang="en")
            yield rename(s), p, rename(o)


def synthetic_graph(triples: int, base: Graph | None = None) -> Graph:
    """Return a graph of about ``triples`` triples with the shape of the built graph.

    :param triples: the size wanted; the result has at least this many triples (or the base
        graph itself when it is larger)
    :param base: the graph to copy (default: the package's built graph)
    """
    base = base if base is not None else build_graph()
    associations = {s for s in base.subjects(RDF.predicate, None) if isinstance(s, URIRef)}
    graph = bind(Graph(bind_namespaces="core"))
    for triple in base:
        graph.add(triple)
    copy = 0
    while len(graph) < triples:
        copy += 1
        for triple in _copy_triples(base, associations, copy):
            graph.add(triple)
    return graph


if __name__ == "__main__":
    size, out = int(sys.argv[1]), Path(sys.argv[2])
    synthetic_graph(size).serialize(out, format="nt", encoding="utf-8")
    print(f"wrote {out}")
