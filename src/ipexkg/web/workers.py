"""Query evaluation in worker processes that can be killed: the endpoint's time limit.

Oxigraph cannot be interrupted from Python, so every query runs in a pool of worker processes
(``pebble.ProcessPool``), each holding the on-disk store open read-only. A query that runs past
the time limit has its worker killed and replaced, and the client gets 503 while the other
workers go on answering. Each worker also has an address-space limit, so a query that would eat
the machine's memory ends its own worker instead. Workers serialise answers themselves (with
Oxigraph's serialisers or the package's :func:`ipexkg.results.format_result`), so only bytes
cross back to the server.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import resource
import signal
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from pebble import ProcessExpired, ProcessPool

from ipexkg.web.formats import GRAPH_FORMATS, RESULT_FORMATS, STORED_FORMATS
from ipexkg.web.safety import Refusal

__all__ = [
    "Answer",
    "Cell",
    "QueryPool",
    "describe",
    "init_worker",
    "sparql",
    "store_summary",
    "stored",
]

#: a cell of an HTML table: its text and, for an IRI, the IRI
Cell = tuple[str, str | None]

_STORE: ox.Store | None = None


@dataclass(frozen=True)
class Answer:
    """What a worker hands back: a serialised body, or rows for an HTML page."""

    media_type: str
    body: bytes = b""
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Cell, ...], ...] = field(default=())
    boolean: bool | None = None


def init_worker(store_path: str, memory_limit: int) -> None:
    """Open the store read-only in this worker and cap its address space (bytes; 0: none)."""
    global _STORE
    # pebble's handler of SIGTERM is Python code, which cannot run while Oxigraph evaluates: the
    # default action lets the pool stop a worker at once instead of 3 s later with SIGKILL
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if memory_limit > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    from ipexkg.queries import catalogue
    from ipexkg.store import open_store

    _STORE = open_store(Path(store_path))
    catalogue()  # parse the stored queries once, before the first request


def _store() -> ox.Store:
    if _STORE is None:  # pragma: no cover - the pool initialiser sets it
        raise RuntimeError("the worker has no store")
    return _STORE


def store_summary() -> tuple[tuple[str, ...], int]:
    """Return the IRIs of the store's named graphs and its number of quads."""
    store = _store()
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    return tuple(graphs), len(store)


def _cell(term: object) -> Cell:
    from ipexkg.engines import from_oxigraph
    from ipexkg.results import canonical_term, display

    if term is None:
        return ("", None)
    node = canonical_term(from_oxigraph(term))  # type: ignore[arg-type]
    return (display(node), node if isinstance(term, ox.NamedNode) else None)


def _too_many(max_rows: int) -> Refusal:
    return Refusal(
        400,
        f"the answer has more than {max_rows} rows, this endpoint's limit: add a LIMIT or "
        "narrow the query",
    )


def _capped(items: Any, max_rows: int) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if len(out) == max_rows:
            raise _too_many(max_rows)
        out.append(item)
    return out


def _unacceptable(offers: Mapping[str, Any]) -> Refusal:
    media = ", ".join(media for media, _ in offers.values())
    return Refusal(406, f"this answer is available as text/html, {media}")


def _solutions(answer: ox.QuerySolutions, fmt: str, max_rows: int) -> Answer:
    if fmt not in RESULT_FORMATS and fmt != "html":
        raise _unacceptable(RESULT_FORMATS)
    variables = [v.value for v in answer.variables]
    names = answer.variables
    rows = _capped(answer, max_rows)
    if fmt == "html":
        cells = tuple(tuple(_cell(row[v]) for v in names) for row in rows)
        return Answer("text/html", variables=tuple(variables), rows=cells)
    tsv = "\t".join(f"?{v}" for v in variables) + "\n"
    tsv += "".join(
        "\t".join("" if row[v] is None else str(row[v]) for v in names) + "\n" for row in rows
    )
    media, result_format = RESULT_FORMATS[fmt]
    if fmt == "tsv":
        return Answer(media, tsv.encode())
    again = ox.parse_query_results(tsv.encode(), format=ox.QueryResultsFormat.TSV)
    return Answer(media, again.serialize(format=result_format) or b"")


def _triples(triples: Sequence[ox.Triple], fmt: str) -> Answer:
    if fmt not in GRAPH_FORMATS and fmt != "html":
        raise _unacceptable(GRAPH_FORMATS)
    if fmt == "html":
        rows = tuple(
            tuple(_cell(t) for t in (triple.subject, triple.predicate, triple.object))
            for triple in triples
        )
        return Answer("text/html", variables=("subject", "predicate", "object"), rows=rows)
    media, rdf_format = GRAPH_FORMATS[fmt]
    if rdf_format != ox.RdfFormat.TURTLE:
        return Answer(media, ox.serialize(triples, format=rdf_format) or b"")
    return Answer(
        media, ox.serialize(triples, format=rdf_format, prefixes=_prefixes(triples)) or b""
    )


def _prefixes(triples: Sequence[ox.Triple]) -> dict[str, str]:
    """Return the package's prefixes that the IRIs of ``triples`` use (for Turtle)."""
    from ipexkg.namespaces import PREFIXES

    iris = {t.value for triple in triples for t in triple if isinstance(t, ox.NamedNode)}
    return {
        prefix: str(namespace)
        for prefix, namespace in sorted(PREFIXES.items())
        if any(iri.startswith(str(namespace)) for iri in iris)
    }


def sparql(
    text: str,
    fmt: str,
    graph_fmt: str,
    default_graphs: Sequence[str],
    named_graphs: Sequence[str],
    max_rows: int,
) -> Answer:
    """Run a checked, read-only SPARQL query and serialise the answer.

    :param fmt: a key of ``RESULT_FORMATS`` (or ``html``) for SELECT and ASK
    :param graph_fmt: a key of ``GRAPH_FORMATS`` (or ``html``) for CONSTRUCT and DESCRIBE
    :raises Refusal: 400 for a syntax error (Oxigraph's message) or too many rows
    """
    store = _store()
    options: dict[str, Any] = {}
    if default_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
    if named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    try:
        answer = store.query(text, **options)
        if isinstance(answer, ox.QueryBoolean):
            if fmt == "html":
                return Answer("text/html", boolean=bool(answer))
            if fmt not in RESULT_FORMATS:
                raise _unacceptable(RESULT_FORMATS)
            media, result_format = RESULT_FORMATS[fmt]
            return Answer(media, answer.serialize(format=result_format) or b"")
        if isinstance(answer, ox.QueryTriples):
            if graph_fmt not in GRAPH_FORMATS and graph_fmt != "html":
                raise _unacceptable(GRAPH_FORMATS)
            return _triples(_capped(answer, max_rows), graph_fmt)
        return _solutions(answer, fmt, max_rows)
    except SyntaxError as exc:
        raise Refusal(400, f"SPARQL syntax error: {exc}") from None
    except OSError as exc:
        raise Refusal(400, f"the query failed: {exc}") from None


def stored(name: str, params: Mapping[str, str], fmt: str, max_rows: int) -> Answer:
    """Run a stored query with parameters (checked as the CLI checks them) in a CLI format.

    :raises Refusal: 400 for a parameter that does not fit, or too many rows
    """
    from ipexkg.queries import QueryError, run_query
    from ipexkg.results import format_result

    try:
        result = run_query(name, _store(), engine="oxigraph", **params)
    except QueryError as exc:
        raise Refusal(400, str(exc)) from None
    if len(result) > max_rows:
        raise _too_many(max_rows)
    if fmt == "html":
        from rdflib import URIRef

        from ipexkg.results import display

        rows = tuple(
            tuple((display(t), str(t) if isinstance(t, URIRef) else None) for t in row)
            for row in result.terms
        )
        return Answer("text/html", variables=result.variables, rows=rows, boolean=result.boolean)
    media = STORED_FORMATS[fmt]
    if result.form == "CONSTRUCT" and fmt == "json":
        media = STORED_FORMATS["json-ld"]
    return Answer(media, format_result(result, fmt).encode())


_DESCRIBE = """
CONSTRUCT {{ {iri} ?p ?o . ?o <http://www.w3.org/2000/01/rdf-schema#label> ?label }}
WHERE {{ {iri} ?p ?o OPTIONAL {{ ?o <http://www.w3.org/2000/01/rdf-schema#label> ?label }} }}
"""


def describe(iri: str, fmt: str, max_rows: int) -> Answer | None:
    """Return what the store says about ``iri`` (its statements and their objects' labels).

    :return: None when the store has no statement about ``iri``
    """
    text = _DESCRIBE.format(iri=ox.NamedNode(iri))
    answer = _store().query(text)
    assert isinstance(answer, ox.QueryTriples)  # noqa: S101 - a CONSTRUCT query
    triples = _capped(answer, max_rows)
    if not triples:
        return None
    triples.sort(key=lambda t: (t.subject != ox.NamedNode(iri), str(t.predicate), str(t.object)))
    return _triples(triples, fmt)


class QueryPool:
    """Worker processes holding the store open, with a time limit per query."""

    def __init__(
        self, store_path: Path, *, workers: int, timeout: float, memory_limit: int
    ) -> None:
        """Start ``workers`` processes; each opens ``store_path`` read-only."""
        self.timeout = timeout
        context = multiprocessing.get_context("forkserver")
        # the fork server parses the catalogue once; each worker it forks starts with it
        context.set_forkserver_preload(["ipexkg.web.preload"])
        self._pool = ProcessPool(
            max_workers=workers,
            initializer=init_worker,
            initargs=(str(store_path), memory_limit),
            context=context,
        )

    async def run(self, function: Callable[..., Any], *args: Any) -> Any:
        """Run ``function(*args)`` in a worker; stop it after the time limit.

        :raises Refusal: 503 when the query ran out of time or its worker died, or whatever
            the function raised
        """
        future = self._pool.schedule(function, args=args, timeout=self.timeout)
        try:
            return await asyncio.wrap_future(future)
        except FutureTimeout:
            raise Refusal(
                503,
                f"the query was stopped after {self.timeout:g} s, this endpoint's time limit",
            ) from None
        except BrokenProcessPool:
            raise Refusal(503, "no worker process could open the store") from None
        except ProcessExpired as exc:
            raise Refusal(
                503, f"the query's worker process ended ({exc}): too much memory?"
            ) from None

    def close(self) -> None:
        """Stop the workers."""
        self._pool.stop()  # type: ignore[no-untyped-call]
        self._pool.join(timeout=10)
