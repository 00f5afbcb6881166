"""Formats the endpoint speaks, their media types, and content negotiation on ``Accept``.

``RESULT_FORMATS`` are the SPARQL 1.1 result formats (SELECT and ASK), ``GRAPH_FORMATS`` the RDF
syntaxes (CONSTRUCT, DESCRIBE, the service description, dereferenced IRIs) and
``STORED_FORMATS`` those of ``ipexkg query --format`` for the stored-query API. A client may also
name a format with ``?format=`` (its short name or a media type), which wins over ``Accept``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pyoxigraph as ox

__all__ = [
    "GRAPH_FORMATS",
    "HTML",
    "RESULT_FORMATS",
    "STORED_FORMATS",
    "choose",
    "negotiate",
]

HTML = "text/html"
#: SPARQL result formats: short name -> (media type, Oxigraph format)
RESULT_FORMATS: Mapping[str, tuple[str, ox.QueryResultsFormat]] = {
    "json": ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    "xml": ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    "csv": ("text/csv", ox.QueryResultsFormat.CSV),
    "tsv": ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
}
#: RDF formats: short name -> (media type, Oxigraph format)
GRAPH_FORMATS: Mapping[str, tuple[str, ox.RdfFormat]] = {
    "turtle": ("text/turtle", ox.RdfFormat.TURTLE),
    "ntriples": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
    "rdfxml": ("application/rdf+xml", ox.RdfFormat.RDF_XML),
}
#: the formats of ``ipexkg query --format``: name -> media type
STORED_FORMATS: Mapping[str, str] = {
    "json": "application/sparql-results+json",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "table": "text/plain",
    "md": "text/markdown",
    "turtle": "text/turtle",
    "json-ld": "application/ld+json",
}
# media types clients send that mean one of ours
_ALIASES: Mapping[str, tuple[str, ...]] = {
    "application/json": ("application/sparql-results+json", "application/ld+json"),
    "application/xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "text/xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "application/x-turtle": ("text/turtle",),
    "text/n3": ("text/turtle",),
    "text/plain": ("application/n-triples",),
    "application/json-ld": ("application/ld+json",),
}


def _means(media: str, offer: str) -> bool:
    return media == offer or offer in _ALIASES.get(media, ())


def _accept(header: str) -> list[tuple[str, float, int]]:
    """Return the media ranges of an ``Accept`` header with their q-values and positions."""
    out = []
    for position, item in enumerate(header.split(",")):
        media, *params = (part.strip() for part in item.split(";"))
        if not media:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        out.append((media.lower(), q, position))
    return out


def negotiate(header: str | None, offers: Sequence[str]) -> str | None:
    """Return the offered media type the ``Accept`` header prefers (the first offer on a tie).

    A missing or empty header accepts anything (the first offer); ``None`` means nothing
    offered is acceptable. Specific ranges beat ``type/*``, which beats ``*/*``.
    """
    if not header or not header.strip():
        return offers[0] if offers else None
    ranges = _accept(header)
    best: tuple[float, int, int, int] | None = None
    chosen = None
    for rank, offer in enumerate(offers):
        kind = offer.split("/")[0]
        for media, q, position in ranges:
            if _means(media, offer):
                specificity = 2
            elif media == f"{kind}/*":
                specificity = 1
            elif media == "*/*":
                specificity = 0
            else:
                continue
            key = (q, specificity, -position, -rank)
            if q > 0 and (best is None or key > best):
                best, chosen = key, offer
    return chosen


def choose(format_param: str | None, accept: str | None, offers: Mapping[str, str]) -> str | None:
    """Return the short name of the format to answer in, from ``?format=`` or ``Accept``.

    :param offers: short name -> media type, in the server's order of preference
    :return: a key of ``offers``, or None when nothing offered fits
    """
    if format_param:
        wanted = format_param.strip().lower()
        if wanted in offers:
            return wanted
        return next((name for name, m in offers.items() if _means(wanted, m)), None)
    media = negotiate(accept, list(offers.values()))
    return next((name for name, m in offers.items() if m == media), None)
