"""CURIEs: the package's own prefix lookup agrees with the ``curies`` converter of the same map.

``ipexkg.identifiers`` compresses and expands from the prefix map directly, so that a cached
``ipexkg query`` need not import ``curies`` (pydantic) and build its converter; the converter
stays the reference this test holds the lookup to.
"""

from __future__ import annotations

from rdflib import Graph, URIRef

from ipexkg.identifiers import compress, converter, expand, prefix_map


def _iris(graph: Graph) -> set[str]:
    iris = {str(t) for triple in graph for t in triple if isinstance(t, URIRef)}
    uri_prefixes = set(prefix_map().prefixes.values())
    # edge cases: a bare URI prefix, one character more, one character less
    return iris | uri_prefixes | {u + "X" for u in uri_prefixes} | {u[:-1] for u in uri_prefixes}


def test_compress_agrees_with_curies(graph: Graph) -> None:
    reference = converter()
    iris = _iris(graph)
    assert len(iris) > 1000
    differ = [(i, compress(i)) for i in sorted(iris) if compress(i) != (reference.compress(i) or i)]
    assert differ == []


def test_expand_agrees_with_curies(graph: Graph) -> None:
    reference = converter()
    curies = {compress(i) for i in _iris(graph)} - _iris(graph)  # those a prefix fits
    # curies expands the local part as it is; expand() percent-encodes what an IRI cannot hold
    plain = [c for c in curies if c.split(":", 1)[1].isalnum()]
    assert len(plain) > 500
    assert [c for c in plain if str(expand(c)) != reference.expand(c)] == []
