"""The ASGI application: SPARQL 1.1 Protocol, stored-query API, catalogue pages, linked data.

Routes:

- ``/sparql``: SPARQL 1.1 Protocol query operation (GET ``query=``, POST form, POST
  ``application/sparql-query``), answers by ``Accept`` (or ``?format=``); without a query, the
  service description (or, for a browser, a page to write a query);
- ``/queries``: the stored queries and their parameters (JSON, or a page for a browser);
- ``/queries/{name}?param=value``: a stored query run with the CLI's parameter checks and output
  formats (``?format=json|csv|tsv|table|md|turtle|json-ld`` or ``Accept``); for a browser, a
  page with the query, a form for its parameters and the answer;
- ``/.well-known/sparql-examples``: the catalogue as SIB sparql-examples;
- ``/``: the home page (:func:`create_app` takes another one, e.g. the disease card);
- anything else: the package's IRIs ``https://w3id.org/ipexkg/<path>`` dereferenced at
  ``<server>/<path>``, in RDF or as a page.

Every refusal is a 4xx/5xx with a one-line text message; see :mod:`ipexkg.web.safety`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote_to_bytes, urlencode

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, VOID
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Receive, Scope, Send

from ipexkg import __version__
from ipexkg.namespaces import IPEXKG
from ipexkg.queries import ParameterError, StoredQuery, catalogue, parameter_values
from ipexkg.web import workers
from ipexkg.web.formats import GRAPH_FORMATS, HTML, RESULT_FORMATS, STORED_FORMATS, choose
from ipexkg.web.safety import Refusal, check_dataset, check_query

__all__ = ["Endpoint", "Settings", "create_app"]

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
_W3_FORMATS = Namespace("http://www.w3.org/ns/formats/")
_SD_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
)
_RDFLIB_FORMATS = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}
_TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
_RESULT_OFFERS = {name: media for name, (media, _) in RESULT_FORMATS.items()} | {"html": HTML}
_GRAPH_OFFERS = {name: media for name, (media, _) in GRAPH_FORMATS.items()} | {"html": HTML}
_SPARQL_QUERY = "application/sparql-query"
_SPARQL_UPDATE = "application/sparql-update"
_FORM = "application/x-www-form-urlencoded"
_READ_ONLY = "this endpoint is read-only: SPARQL Update is refused"
#: the query a browser sees first in the query page
_EXAMPLE = "manifestations-by-organ"

Endpoint = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True)
class Settings:
    """How the server runs: the store it serves and its limits."""

    store: Path
    workers: int = 2
    timeout: float = 10.0
    max_query_chars: int = 20_000
    max_body_bytes: int = 64 * 1024
    max_rows: int = 10_000
    memory_limit: int = 3 * 1024**3


@dataclass
class _State:
    pool: workers.QueryPool
    graphs: tuple[str, ...]
    triples: int


def _state(request: Request) -> _State:
    state: _State = request.app.state.ipexkg
    return state


def _local_href(iri: str) -> str:
    """Return the server path of one of the package's IRIs, else the IRI itself."""
    return "/" + iri[len(str(IPEXKG)) :] if iri.startswith(str(IPEXKG)) else iri


def _render(request: Request, template: str, status: int = 200, **context: Any) -> Response:
    context.setdefault("version", __version__)
    context["local"] = _local_href
    return _TEMPLATES.TemplateResponse(request, template, context, status_code=status)


def _wants_html(request: Request, offers: Mapping[str, str]) -> bool:
    """Say if the client prefers a page to every other format in ``offers``."""
    fmt = choose(request.query_params.get("format"), request.headers.get("accept"), offers)
    return fmt == "html"


def _rdf_response(request: Request, graph: Graph) -> Response:
    offers = {name: media for name, (media, _) in GRAPH_FORMATS.items()}
    fmt = choose(request.query_params.get("format"), request.headers.get("accept"), offers)
    if fmt is None:
        raise Refusal(406, f"this resource is RDF: ask for one of {', '.join(offers.values())}")
    if fmt == "turtle":
        from ipexkg.export import serialize_turtle

        body = serialize_turtle(graph)
    else:
        body = graph.serialize(format=_RDFLIB_FORMATS[fmt])
    return Response(body, media_type=offers[fmt], headers={"Vary": "Accept"})


async def _read_body(request: Request, limit: int) -> bytes:
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise Refusal(413, f"the request body is larger than {limit} bytes, this endpoint's limit")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise Refusal(
                413, f"the request body is larger than {limit} bytes, this endpoint's limit"
            )
    return bytes(body)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refusal(400, f"the request is not UTF-8 text: {exc}") from None


def _service_description(request: Request, state: _State) -> Graph:
    endpoint = URIRef(str(request.url_for("sparql")))
    dataset = URIRef(f"{endpoint}#dataset")
    default = URIRef(f"{endpoint}#default-graph")
    graph = Graph(bind_namespaces="core")
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    graph.add((endpoint, RDF.type, SD.Service))
    graph.add((endpoint, SD.endpoint, endpoint))
    graph.add((endpoint, SD.supportedLanguage, SD.SPARQL11Query))
    for name in _SD_FORMATS:
        graph.add((endpoint, SD.resultFormat, _W3_FORMATS[name]))
    graph.add((endpoint, SD.defaultDataset, dataset))
    settings: Settings = request.app.state.settings
    graph.add(
        (
            endpoint,
            DCTERMS.description,
            Literal(
                f"ipexkg {__version__}: read-only SPARQL 1.1 endpoint; no SERVICE, LOAD or FROM "
                f"outside this dataset; queries stop after {settings.timeout:g} s; at most "
                f"{settings.max_rows} result rows, {settings.max_query_chars} query characters "
                f"and {settings.max_body_bytes} body bytes.",
                lang="en",
            ),
        )
    )
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((default, VOID.triples, Literal(state.triples)))
    for name in state.graphs:
        node = URIRef(f"{endpoint}#named-{len(graph)}")
        graph.add((dataset, SD.namedGraph, node))
        graph.add((node, SD.name, URIRef(name)))
    return graph


_ONE_QUERY = "give one query= parameter, not several"


class _Utf8QueryString:
    """Refuse (400) a URL whose query string is not UTF-8 once %-decoded, on every route.

    Starlette would decode it with replacement characters: ``%FF`` would reach a query or a
    parameter as U+FFFD instead of being refused.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            try:
                unquote_to_bytes(scope.get("query_string", b"")).decode("utf-8")
            except UnicodeDecodeError:
                refusal = PlainTextResponse("the URL's %-escapes are not UTF-8\n", status_code=400)
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)


async def _query_text(request: Request) -> tuple[str | None, list[str], list[str], bool]:
    """Return the query, default and named graphs of a protocol request, and if it came by GET."""
    settings: Settings = request.app.state.settings
    url_params = request.query_params
    defaults = url_params.getlist("default-graph-uri")
    named = url_params.getlist("named-graph-uri")
    if request.method in ("GET", "HEAD"):
        if "update" in url_params:
            raise Refusal(403, _READ_ONLY)
        queries = url_params.getlist("query")
        if len(queries) > 1:
            raise Refusal(400, _ONE_QUERY)
        return (queries[0] if queries else None), defaults, named, True
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == _SPARQL_UPDATE:
        raise Refusal(403, _READ_ONLY)
    body = await _read_body(request, settings.max_body_bytes)
    if media == _SPARQL_QUERY:
        return _decode(body), defaults, named, False
    if media == _FORM:
        try:
            form = parse_qsl(_decode(body), keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            raise Refusal(400, "the form's %-escapes are not UTF-8") from None
        keys = {k for k, _ in form}
        if "update" in keys:
            raise Refusal(403, _READ_ONLY)
        queries = [v for k, v in form if k == "query"]
        if len(queries) > 1:
            raise Refusal(400, _ONE_QUERY)
        defaults += [v for k, v in form if k == "default-graph-uri"]
        named += [v for k, v in form if k == "named-graph-uri"]
        return (queries[0] if queries else None), defaults, named, False
    raise Refusal(
        415,
        f"POST a query as {_FORM} (query=...) or as {_SPARQL_QUERY}; got {media or 'no type'!r}",
    )


async def sparql(request: Request) -> Response:
    """SPARQL 1.1 Protocol query operation, or the service description."""
    settings: Settings = request.app.state.settings
    state = _state(request)
    text, defaults, named, by_get = await _query_text(request)
    if text is None:
        if request.method in ("GET", "HEAD") and _wants_html(request, _GRAPH_OFFERS):
            return _render(request, "sparql.html", query=catalogue()[_EXAMPLE].text, answer=None)
        if request.method == "POST":
            raise Refusal(400, "the request has no query= parameter")
        return _rdf_response(request, _service_description(request, state))
    if len(text) > settings.max_query_chars:
        raise Refusal(
            414 if by_get else 413,
            f"the query is longer than {settings.max_query_chars} characters, this endpoint's "
            "limit",
        )
    checked = check_query(text, state.graphs)
    for iri in defaults:
        check_dataset(iri, state.graphs, "default-graph-uri")
    for iri in named:
        check_dataset(iri, state.graphs, "named-graph-uri")
    format_param = request.query_params.get("format")
    accept = request.headers.get("accept")
    rfmt = choose(format_param, accept, _RESULT_OFFERS) or ""
    gfmt = choose(format_param, accept, _GRAPH_OFFERS) or ""
    answer = await state.pool.run(
        workers.sparql, checked, rfmt, gfmt, defaults, named, settings.max_rows
    )
    if answer.media_type == HTML:
        return _render(request, "sparql.html", query=text, answer=answer)
    return Response(answer.body, media_type=answer.media_type, headers={"Vary": "Accept"})


def _query_json(request: Request, query: StoredQuery) -> dict[str, Any]:
    examples = dict(query.example)
    return {
        "name": query.name,
        "kind": query.kind,
        "form": query.form,
        "summary": query.summary,
        "tags": list(query.tags),
        "parameters": [
            {
                "name": name,
                "type": query.param_type(name),
                "required": name in query.required,
                "example": examples.get(name),
            }
            for name in query.params
        ],
        "url": str(request.url_for("stored_query", name=query.name)),
    }


async def list_queries(request: Request) -> Response:
    """The stored queries, with their parameters."""
    queries = sorted(catalogue().values(), key=lambda q: (q.kind, q.name))
    if _wants_html(request, {"json": "application/json", "html": HTML}):
        return _render(request, "catalogue.html", queries=queries)
    return JSONResponse([_query_json(request, q) for q in queries], headers={"Vary": "Accept"})


def _stored_offers(query: StoredQuery) -> dict[str, str]:
    order: tuple[str, ...] = ("json", "csv", "tsv", "table", "md")
    if query.form in ("CONSTRUCT", "DESCRIBE"):
        order = ("turtle", "json-ld", *order)
    return {name: STORED_FORMATS[name] for name in order}


async def stored_query(request: Request) -> Response:
    """Run a stored query with the parameters of the URL."""
    settings: Settings = request.app.state.settings
    name = request.path_params["name"]
    query = catalogue().get(name)
    if query is None:
        raise Refusal(404, f"no stored query named {name!r}; /queries lists them")
    items = request.query_params.multi_items()
    for control in ("format", "run"):
        if sum(1 for k, _ in items if k == control) > 1:
            raise Refusal(400, f"parameter {control!r} is given twice")
    try:  # an iris parameter given twice is one list; any other is refused
        params = parameter_values(query, [(k, v) for k, v in items if k not in ("format", "run")])
    except ParameterError as exc:
        raise Refusal(400, str(exc)) from None
    pool = _state(request).pool
    if _wants_html(request, _stored_offers(query) | {"html": HTML}):
        answer, error, status = None, None, 200
        try:
            answer = await pool.run(workers.stored, name, params, "html", settings.max_rows)
        except Refusal as refusal:
            error, status = refusal.message, refusal.status
        formats = {
            fmt: f"{request.url.path}?{urlencode({**params, 'format': fmt})}"
            for fmt in _stored_offers(query)
        }
        return _render(
            request,
            "query.html",
            status,
            query=query,
            params=params,
            examples=dict(query.example),
            answer=answer,
            error=error,
            formats=formats,
        )
    offers = _stored_offers(query)
    fmt = choose(request.query_params.get("format"), request.headers.get("accept"), offers)
    if fmt is None:
        raise Refusal(406, f"query {name!r} answers in: {', '.join(offers)} (?format=...)")
    answer = await pool.run(workers.stored, name, params, fmt, settings.max_rows)
    return Response(answer.body, media_type=answer.media_type, headers={"Vary": "Accept"})


async def sparql_examples(request: Request) -> Response:
    """The catalogue as SIB sparql-examples, each example targeting this endpoint."""
    from ipexkg.catalogue import QUERIES, SCHEMA, catalogue_graph

    graph = catalogue_graph(catalogue().values())
    endpoint = URIRef(str(request.url_for("sparql")))
    for name in catalogue():
        graph.add((URIRef(QUERIES[name]), SCHEMA.target, endpoint))
    return _rdf_response(request, graph)


async def default_home(request: Request) -> Response:
    """A plain home page: what the server offers."""
    return _render(request, "index.html", triples=_state(request).triples)


async def resource(request: Request) -> Response:
    """Dereference ``https://w3id.org/ipexkg/<path>``: its statements, as RDF or a page."""
    settings: Settings = request.app.state.settings
    iri = f"{IPEXKG}{request.path_params['path']}"
    fmt = choose(request.query_params.get("format"), request.headers.get("accept"), _GRAPH_OFFERS)
    if fmt is None:
        raise Refusal(406, f"<{iri}> is available as: {', '.join(_GRAPH_OFFERS.values())}")
    answer = await _state(request).pool.run(workers.describe, iri, fmt, settings.max_rows)
    if answer is None:
        raise Refusal(404, f"this dataset says nothing about <{iri}>")
    if fmt == "html":
        return _render(request, "resource.html", iri=iri, answer=answer)
    return Response(answer.body, media_type=answer.media_type, headers={"Vary": "Accept"})


async def _refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Refusal)  # noqa: S101 - registered for Refusal only
    headers = {"Retry-After": "1"} if exc.status == 503 else None
    return PlainTextResponse(exc.message + "\n", status_code=exc.status, headers=headers)


async def _failed(request: Request, exc: Exception) -> Response:
    return PlainTextResponse(
        f"internal error: {type(exc).__name__}; the server goes on\n", status_code=500
    )


def create_app(
    settings: Settings,
    *,
    home: Endpoint | None = None,
    routes: Sequence[BaseRoute] = (),
) -> Starlette:
    """Return the ASGI application serving the store at ``settings.store``.

    :param home: the endpoint for ``/`` (default: a page listing what the server offers)
    :param routes: more routes, matched before the package's IRIs are (e.g. ``/card``)
    """

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        pool = workers.QueryPool(
            settings.store,
            workers=settings.workers,
            timeout=max(settings.timeout, 60.0),
            memory_limit=settings.memory_limit,
        )
        try:
            # the workers open the store while this process parses the catalogue
            (graphs, triples), _ = await asyncio.gather(
                pool.run(workers.store_summary), asyncio.to_thread(catalogue)
            )
            pool.timeout = settings.timeout
            app.state.ipexkg = _State(pool, graphs, triples)
            yield
        finally:
            pool.close()

    app = Starlette(
        routes=[
            Route("/", home or default_home, name="home"),
            Route("/sparql", sparql, methods=["GET", "POST"], name="sparql"),
            Route("/queries", list_queries, name="queries"),
            Route("/queries/{name}", stored_query, name="stored_query"),
            Route("/.well-known/sparql-examples", sparql_examples, name="sparql_examples"),
            *routes,
            Route("/{path:path}", resource, name="resource"),
        ],
        exception_handlers={Refusal: _refused, Exception: _failed},
        middleware=[Middleware(_Utf8QueryString)],
        lifespan=lifespan,
    )
    app.state.settings = settings
    return app
