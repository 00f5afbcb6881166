"""Remote stores: stored queries run on any SPARQL 1.1 endpoint, releases uploaded to any store.

A stored query goes to the endpoint by the SPARQL 1.1 Protocol (POST form) with its parameters
in a ``VALUES`` block written from parsed terms, exactly as the embedded Oxigraph engine gets
them, and the answer comes back as SPARQL JSON (SELECT, ASK) or Turtle (CONSTRUCT, DESCRIBE),
parsed by Oxigraph into the same canonical :class:`ipexkg.results.QueryResult`. A release is
uploaded by the SPARQL 1.1 Graph Store HTTP Protocol (``PUT`` replaces the graph, ``POST`` adds
to it). HTTP goes through httpx; nothing here runs unless a user names an endpoint.
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx
import pyoxigraph as ox
from rdflib.term import Identifier

from ipexkg.engines import oxigraph_result, with_values
from ipexkg.errors import IpexkgError
from ipexkg.queries import StoredQuery
from ipexkg.results import QueryResult

__all__ = ["EndpointError", "remote_query", "upload_graph"]

_RESULTS_JSON = "application/sparql-results+json"
_GRAPH_ACCEPT = "text/turtle, application/n-triples;q=0.9"
_RDF_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
}


class EndpointError(IpexkgError):
    """An endpoint that cannot be reached, refuses a request or answers something unreadable."""


def _request(method: str, url: str, **options: object) -> httpx.Request:
    """Build a request to ``url``, an http(s) URL.

    :raises EndpointError: for a URL that is not one (``http://[::1``, ``ftp://...``)
    """
    try:
        parsed = httpx.URL(url)
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise EndpointError(f"{url}: not an http:// or https:// URL of an endpoint")
        return httpx.Request(method, parsed, **options)  # type: ignore[arg-type]
    except (httpx.InvalidURL, ValueError) as exc:
        raise EndpointError(f"{url}: not a valid endpoint URL ({exc})") from None


def _send(request: httpx.Request, timeout: float) -> httpx.Response:
    try:
        with httpx.Client(timeout=timeout, follow_redirects=True) as client:
            response = client.send(request)
    except httpx.HTTPError as exc:
        raise EndpointError(f"{request.url}: cannot reach the endpoint ({exc})") from None
    if response.status_code >= 400:
        detail = " ".join(response.text.split())[:300]
        raise EndpointError(f"{request.url}: HTTP {response.status_code}: {detail}")
    return response


def remote_query(
    query: StoredQuery,
    endpoint: str,
    bindings: Mapping[str, Identifier] | None = None,
    *,
    graph: str | None = None,
    timeout: float = 60.0,
) -> QueryResult:
    """Run ``query`` on a SPARQL 1.1 endpoint and return its canonical result.

    :param bindings: parameters checked by :func:`ipexkg.queries.bind_parameters`
    :param graph: the default graph to query (``default-graph-uri``), e.g. the graph a
        release was loaded into; None leaves the endpoint's default
    :raises EndpointError: when the endpoint cannot be reached, refuses, or answers badly
    """
    form = {"query": with_values(query.text, bindings or {})}
    if graph:
        form["default-graph-uri"] = graph
    graph_like = query.form in ("CONSTRUCT", "DESCRIBE")
    accept = _GRAPH_ACCEPT if graph_like else _RESULTS_JSON
    request = _request("POST", endpoint, data=form, headers={"Accept": accept})
    response = _send(request, timeout)
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if graph_like:
            rdf_format = _RDF_TYPES.get(media)
            if rdf_format is None:
                raise EndpointError(f"{endpoint}: answered {media!r}, not Turtle or N-Triples")
            return oxigraph_result(query, list(ox.parse(response.content, format=rdf_format)))
        answer = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
        return oxigraph_result(query, answer)
    except SyntaxError as exc:
        raise EndpointError(f"{endpoint}: the answer cannot be read: {exc}") from None


def upload_graph(
    store_url: str,
    data: bytes,
    *,
    graph: str | None = None,
    media_type: str = "application/n-triples",
    replace: bool = True,
    timeout: float = 600.0,
) -> int:
    """Upload RDF to a Graph Store Protocol service; return the HTTP status.

    :param store_url: the graph store URL (Oxigraph: ``.../store``; Virtuoso:
        ``.../sparql-graph-crud``; Fuseki: ``.../dataset/data``)
    :param graph: the named graph to write; None writes the default graph
    :param replace: PUT (replace the graph) rather than POST (add to it)
    :raises EndpointError: when the store cannot be reached or refuses, or ``graph`` is not an
        absolute IRI
    """
    if graph is not None:
        try:
            ox.NamedNode(graph)
        except ValueError as exc:
            raise EndpointError(f"--graph {graph!r}: not an absolute IRI ({exc})") from None
    params = {"graph": graph} if graph else {"default": ""}
    request = _request(
        "PUT" if replace else "POST",
        store_url,
        params=params,
        content=data,
        headers={"Content-Type": media_type},
    )
    return _send(request, timeout).status_code
