"""JSON-LD: the package's context (shipped as a file for offline use) and deterministic documents.

The context binds every prefix of :data:`ipexkg.namespaces.PREFIXES` as a JSON-LD 1.1 prefix term.
:func:`jsonld_document` writes a graph without blank nodes as JSON-LD in compact form (compact IRIs
such as ``MONDO:0010580``, one node object per subject) or in expanded form, with nodes, keys and
values sorted so that the same graph always gives the same text. rdflib's own JSON-LD serialiser
is not used for writing: it splits IRIs at XML name boundaries and so never uses the OBO prefix
terms (``MONDO_``), leaving most IRIs of this graph uncompacted. Every document written here is
read back by rdflib and, in the tests, by PyLD and jsonld.js with no document loader.

Exports inline the context (``inline_context=True``), so no processor has to fetch
:data:`CONTEXT_IRI` (not registered at w3id.org); the package's own reader still resolves that IRI
to the shipped copy for documents that refer to it.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from ipexkg.namespaces import PREFIXES

__all__ = [
    "CONTEXT_IRI",
    "JSONLD_FORMS",
    "compact_iri",
    "context_document",
    "context_text",
    "jsonld_document",
    "jsonld_text",
]

#: the IRI under which the context is published; readers resolve it to the shipped copy
CONTEXT_IRI = "https://w3id.org/ipexkg/context.jsonld"
#: the document forms :func:`jsonld_document` writes
JSONLD_FORMS = ("compact", "expanded")


_GEN_DELIMS = (":", "/", "?", "#", "[", "]", "@")


def _term(namespace: str) -> str | dict[str, Any]:
    # JSON-LD 1.1 uses a term as a CURIE prefix only if its IRI ends in a gen-delim character
    # or the term says "@prefix": true (OBO PURLs end in "_", e.g. MONDO_).
    if namespace.endswith(_GEN_DELIMS):
        return namespace
    return {"@id": namespace, "@prefix": True}


@lru_cache(maxsize=1)
def context_document() -> dict[str, Any]:
    """Return the context: every bound prefix as a JSON-LD 1.1 prefix term, sorted."""
    terms = {prefix: _term(str(ns)) for prefix, ns in sorted(PREFIXES.items())}
    return {"@context": {"@version": 1.1, **terms}}


def context_text() -> str:
    """Return the context as the deterministic JSON text of ``ontology/ipexkg.context.jsonld``."""
    return json.dumps(context_document(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@lru_cache(maxsize=1)
def _namespaces() -> tuple[tuple[str, str], ...]:
    # longest namespace first, so that ipex: (…/ipexkg/vocab/) wins over ipexkg: (…/ipexkg/)
    pairs = ((str(ns), prefix) for prefix, ns in PREFIXES.items())
    return tuple(sorted(pairs, key=lambda pair: (-len(pair[0]), pair[1])))


@lru_cache(maxsize=65536)
def compact_iri(iri: str) -> str:
    """Return ``iri`` as a compact IRI of the package's context, or unchanged when none fits.

    A compact IRI is used only when it expands back to ``iri``: the suffix is not empty and does
    not start with ``//`` (JSON-LD 1.1, IRI compaction).
    """
    for namespace, prefix in _namespaces():
        if iri.startswith(namespace):
            suffix = iri[len(namespace) :]
            if suffix and not suffix.startswith("//"):
                return f"{prefix}:{suffix}"
    return iri


def _check_no_blank_nodes(graph: Graph) -> None:
    for triple in graph:
        if any(isinstance(term, BNode) for term in triple):
            raise ValueError(
                "the graph has blank nodes; the package's JSON-LD writer needs IRIs for every node"
            )


def _value(term: object, compact: bool) -> Any:
    name = compact_iri if compact else str
    if isinstance(term, URIRef):
        return {"@id": name(str(term))}
    if not isinstance(term, Literal):  # pragma: no cover - no other kind of object
        raise TypeError(f"unexpected RDF term {term!r}")
    if term.language:
        return {"@language": term.language, "@value": str(term)}
    if term.datatype is not None:
        return {"@type": name(str(term.datatype)), "@value": str(term)}
    return str(term) if compact else {"@value": str(term)}


def _sort_key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _node_objects(graph: Graph, compact: bool) -> list[dict[str, Any]]:
    name = compact_iri if compact else str
    properties: dict[URIRef, dict[str, list[Any]]] = {}
    for s, p, o in graph:
        node = properties.setdefault(s, {})  # type: ignore[arg-type]
        if p == RDF.type and isinstance(o, URIRef):
            node.setdefault("@type", []).append(name(str(o)))
        else:
            node.setdefault(name(str(p)), []).append(_value(o, compact))
    nodes = []
    for subject in sorted(properties, key=str):
        record: dict[str, Any] = {"@id": name(str(subject))}
        for key, values in properties[subject].items():
            ordered = sorted(values, key=_sort_key)
            record[key] = ordered[0] if compact and len(ordered) == 1 else ordered
        nodes.append(record)
    return nodes


def jsonld_document(graph: Graph, form: str = "compact", inline_context: bool = False) -> Any:
    """Return ``graph`` as a JSON-LD document (a dict in compact form, a list when expanded).

    :param form: ``compact`` (compact IRIs of the package's context) or ``expanded``
    :param inline_context: put the context itself in the document instead of its IRI
        (:data:`CONTEXT_IRI`, which a reader resolves to the shipped ``ipexkg.context.jsonld``)
    :raises ValueError: for an unknown form or a graph with blank nodes
    """
    if form not in JSONLD_FORMS:
        raise ValueError(f"unknown JSON-LD form {form!r}; use one of {', '.join(JSONLD_FORMS)}")
    _check_no_blank_nodes(graph)
    if form == "expanded":
        return _node_objects(graph, compact=False)
    context = context_document()["@context"] if inline_context else CONTEXT_IRI
    return {"@context": context, "@graph": _node_objects(graph, compact=True)}


def jsonld_text(graph: Graph, form: str = "compact", inline_context: bool = False) -> str:
    """Return :func:`jsonld_document` as JSON text with sorted keys (the same graph, same bytes)."""
    document = jsonld_document(graph, form, inline_context)
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
