"""Stored SPARQL queries: plain ``.rq`` files with grlc-style ``#+`` header lines.

A query's header gives ``#+ summary:``, ``#+ tags: [a, b]`` and ``#+ params: x, y`` (an optional
``#+ required: x`` and ``#+ expect: rows|none``). A parameter is an ordinary variable of the
query, bound at run time as an RDF term (never pasted into the text); left unbound it means "all".
Queries under ``queries/qc/`` are quality checks: any row they return is a failure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Variable
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import Node

from ipexkg.errors import IpexkgError
from ipexkg.resources import query_dir

__all__ = [
    "QueryError",
    "StoredQuery",
    "load_queries",
    "parse_stored_query",
    "run_stored_query",
]

_HEADER = re.compile(r"^#\+\s*(\w+)\s*:\s*(.*?)\s*$")


class QueryError(IpexkgError):
    """A stored query that cannot be loaded, or a parameter that does not fit its query."""


@dataclass(frozen=True)
class StoredQuery:
    """A stored query: its name (file stem), text, header metadata and compiled form."""

    name: str
    path: Path
    text: str
    summary: str
    tags: tuple[str, ...]
    params: tuple[str, ...]
    required: tuple[str, ...]
    expect: str
    kind: str

    @property
    def compiled(self) -> Query:
        """Return the query prepared by rdflib (parsed once)."""
        return _prepare(self.text)

    @property
    def variables(self) -> frozenset[str]:
        """Return the names of every variable the query text mentions."""
        return frozenset(re.findall(r"[?$]([A-Za-z_][A-Za-z0-9_]*)", _strip_comments(self.text)))


@lru_cache(maxsize=256)
def _prepare(text: str) -> Query:
    return prepareQuery(text)


def _strip_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def _split_list(value: str) -> tuple[str, ...]:
    value = value.strip().strip("[]")
    return tuple(v.strip() for v in value.split(",") if v.strip())


def parse_stored_query(path: Path, kind: str | None = None) -> StoredQuery:
    """Read one ``.rq`` file and its header, and check that it parses.

    :raises QueryError: with the file name and the parser's message
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"{path}: cannot read the query ({exc})") from None
    meta: dict[str, str] = {}
    for line in text.splitlines():
        match = _HEADER.match(line)
        if match:
            meta[match.group(1).lower()] = match.group(2)
    kind = kind or ("qc" if path.parent.name == "qc" else "cq")
    default_expect = "none" if path.stem.endswith("-violation") else "rows"
    query = StoredQuery(
        name=path.stem,
        path=path,
        text=text,
        summary=meta.get("summary", ""),
        tags=_split_list(meta.get("tags", "")),
        params=_split_list(meta.get("params", "")),
        required=_split_list(meta.get("required", "")),
        expect=meta.get("expect", default_expect),
        kind=kind,
    )
    try:
        query.compiled  # noqa: B018 - parse now so that a broken file is reported at load time
    except Exception as exc:
        raise QueryError(f"{path}: SPARQL syntax error: {exc}") from None
    missing = [p for p in query.params if p not in query.variables]
    if missing:
        raise QueryError(f"{path}: #+ params names {missing}, which the query never uses")
    return query


def load_queries(folder: Path | None = None) -> dict[str, StoredQuery]:
    """Load every stored query below ``folder`` (default: the package's ``queries/``), by name.

    :raises QueryError: for a broken file or two queries with the same name
    """
    root = folder if folder is not None else query_dir()
    out: dict[str, StoredQuery] = {}
    for path in sorted(root.rglob("*.rq")):
        query = parse_stored_query(path)
        if query.name in out:
            raise QueryError(f"{path}: a query named {query.name!r} exists already")
        out[query.name] = query
    return out


def run_stored_query(
    query: StoredQuery, graph: Graph, bindings: dict[str, Node] | None = None
) -> Result:
    """Run ``query`` on an rdflib graph with parameters bound as RDF terms (``initBindings``)."""
    bindings = bindings or {}
    unknown = sorted(set(bindings) - set(query.params))
    if unknown:
        raise QueryError(f"query {query.name!r} has no parameter {unknown[0]!r}")
    return graph.query(query.compiled, initBindings={Variable(k): v for k, v in bindings.items()})
