"""Terms: is an IRI or a typed literal valid for every engine and serialiser the package uses?

rdflib accepts almost any string as an IRI and any lexical form for a datatype; Oxigraph and the
writers (Turtle, N-Triples, RDF/XML, JSON-LD) do not. One check here is used by lint (every cell
that becomes an IRI or a typed literal), by the build (every term of the graph) and by the
writers, so a term either passes everywhere or is refused with its reason before anything runs.

* An IRI must be absolute and valid by RFC 3987: Oxigraph's parser is the strictest the package
  uses, so it is the judge (a space, ``<``, ``>``, ``{``, a bad ``%`` escape or a relative
  reference are refused).
* A typed literal must match its XSD datatype's lexical space with ASCII digits only (``²``
  and Arabic-Indic digits are digits to Python, not to XSD), and a date must exist in the calendar.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

__all__ = [
    "encode_iri_part",
    "graph_term_problems",
    "iri_problem",
    "literal_problem",
    "xml_predicate_problem",
]

_A = re.ASCII
#: XSD lexical spaces the package writes, with ASCII digits only
_LEXICAL = {
    str(XSD.integer): re.compile(r"^[+-]?[0-9]+$", _A),
    str(XSD.nonNegativeInteger): re.compile(r"^\+?[0-9]+$", _A),
    str(XSD.decimal): re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$", _A),
    str(XSD.date): re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?$", _A),
    str(XSD.gYear): re.compile(r"^[0-9]{4}(Z|[+-][0-9]{2}:[0-9]{2})?$", _A),
    str(XSD.boolean): re.compile(r"^(true|false|1|0)$", _A),
    str(XSD.hexBinary): re.compile(r"^([0-9a-fA-F]{2})*$", _A),
}
#: characters an IRI path segment may hold as they are (RFC 3987 ipchar, without ``%``)
_IRI_SAFE = "/:@!$&'()*+,;=-._~"


def iri_problem(iri: str) -> str | None:
    """Return why ``iri`` is not an absolute IRI every engine and writer accepts, or None."""
    try:
        ox.NamedNode(iri)
    except ValueError as exc:
        return f"not a valid absolute IRI ({exc})"
    return None


def encode_iri_part(text: str) -> str:
    """Percent-encode what an IRI path cannot hold as it is (space, ``<``, ``>``, ``%``...).

    Non-ASCII letters stay as they are (an IRI, unlike a URI, may hold them); ``%`` is always
    encoded, so a DOI such as ``10.1002/(SICI)...<1::AID-APP1>3.0.CO;2-O`` becomes the IRI the
    DOI handbook prescribes (``%3C``, ``%3E``).
    """
    return "".join(
        ch if ord(ch) > 0x9F and ch.isprintable() else quote(ch, safe=_IRI_SAFE) for ch in text
    )


def literal_problem(lexical: str, datatype: str) -> str | None:
    """Return why ``lexical`` is not in the lexical space of ``datatype``, or None."""
    pattern = _LEXICAL.get(datatype)
    if pattern is None:
        return None
    name = datatype.rsplit("#", 1)[-1]
    if not pattern.match(lexical):
        return f"{lexical!r} is not a valid xsd:{name}"
    if datatype == str(XSD.date):
        try:
            dt.date.fromisoformat(lexical[:10])
        except ValueError:
            return f"{lexical!r} is not a date of the calendar"
    return None


def xml_predicate_problem(predicate: str) -> str | None:
    """Return why ``predicate`` cannot be written in RDF/XML (no XML name at its end), or None."""
    try:
        Graph(bind_namespaces="none").namespace_manager.compute_qname_strict(predicate)
    except ValueError:
        return (
            f"the predicate <{predicate}> cannot be written in RDF/XML: its IRI does not end "
            "in an XML name (a letter or '_' followed by letters, digits, '-', '.' or '_')"
        )
    return None


def graph_term_problems(graph: Graph, literals: bool = True) -> Iterator[str]:
    """Yield one message per distinct invalid IRI (or, with ``literals``, ill-typed literal)."""
    seen: set[object] = set()
    for triple in graph:
        for term in triple:
            if term in seen:
                continue
            seen.add(term)
            if isinstance(term, URIRef):
                why = iri_problem(str(term))
                if why:
                    yield f"<{term}>: {why}"
            elif literals and isinstance(term, Literal) and term.datatype is not None:
                why = literal_problem(str(term), str(term.datatype))
                if why:
                    yield f"{term.n3()}: {why}"
