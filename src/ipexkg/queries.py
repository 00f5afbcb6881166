"""Stored SPARQL queries: plain ``.rq`` files with grlc-style ``#+`` header lines.

A query's header gives ``#+ summary:``, ``#+ tags: [a, b]`` and ``#+ params: x, y``, and
optionally ``#+ required: x``, ``#+ param_types: x=iri, y=number``, ``#+ example: x=HP:0100651``
and ``#+ expect: rows|none``. A parameter is an ordinary variable of the query, bound at run time
as an RDF term (never pasted into the text); left unbound it means "all".
Queries under ``queries/cq/`` are competency questions; those under ``queries/qc/`` are quality
checks, where any row they return is a failure; those under ``queries/store/`` need an integrated
store (``ipexkg integrate hpo``) and answer nothing on the package graph alone.

Parameter types: ``iri`` (a CURIE of a known prefix, ``<IRI>`` or an ``http(s)://`` IRI),
``iris`` (one or more such, separated by commas or spaces), ``string``, ``integer``, ``number``
(integer or decimal), ``boolean`` (``true``/``false``), and ``any`` (the default: the value's own
syntax decides, in that order). A parameter binds one RDF term, so an ``iris`` list is bound as
one string of ``<IRI>`` forms separated by spaces, each IRI checked and given once; a query
tests a node's membership with ``CONTAINS(?list, CONCAT("<", STR(?node), ">"))``, which holds
for an exact IRI only (the angle brackets delimit it).

Writing a parameter: use a variable that every answer binds in the query's outer group (not only
inside an OPTIONAL, a MINUS or a subquery), or one that only a FILTER of the outer group reads
(``FILTER(!BOUND(?min) || ?x >= ?min)``). Then binding it through rdflib's ``initBindings`` and
through the ``VALUES`` block given to Oxigraph mean the same thing: the rows of the "all" answer
that match (the tests check this with each query's ``#+ example``). A sub-SELECT that projects
the parameter is evaluated for its value only (rdflib's bindings reach into it, and Oxigraph gets
a ``VALUES`` block there too: :func:`ipexkg.engines.with_values`), which is what a per-disease
ranking needs; do not give a parameter's name to a sub-SELECT's own variable that it does not
project.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, cast

from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.namespace import XSD
from rdflib.query import Result
from rdflib.term import Identifier, Node

from ipexkg.errors import IpexkgError
from ipexkg.identifiers import (
    CurieError,
    expand,
    normalize_curie,
    prefix_map,
    split_identifiers,
)
from ipexkg.resources import query_dir

if TYPE_CHECKING:
    # rdflib's SPARQL parser takes longer to import than the rest of rdflib: it is imported
    # where a query is compiled, never on the path of a package query run on Oxigraph
    from rdflib.plugins.sparql.sparql import Query

    from ipexkg.engines import Source
    from ipexkg.results import QueryResult

__all__ = [
    "PARAM_TYPES",
    "RESERVED_PARAMS",
    "ParameterError",
    "QueryError",
    "StoredQuery",
    "bind_parameters",
    "catalogue",
    "check_read_only",
    "default_graph",
    "load_queries",
    "parameter_values",
    "parse_parameter",
    "parse_stored_query",
    "run_query",
    "run_stored_query",
    "stored_query",
]

_HEADER = re.compile(r"^#\+\s*(\w+)\s*:\s*(.*?)\s*$")

#: the parameter types a ``#+ param_types:`` line may name
PARAM_TYPES = ("any", "iri", "iris", "string", "integer", "number", "boolean")
#: names a parameter may not have (they are keyword arguments of ``run_query``)
RESERVED_PARAMS = frozenset({"graph", "engine", "name", "query"})
_FORMS = {
    "SelectQuery": "SELECT",
    "ConstructQuery": "CONSTRUCT",
    "AskQuery": "ASK",
    "DescribeQuery": "DESCRIBE",
}
# the first query-form keyword of a package query (its PREFIX lines name no such word)
_FORM_WORD = re.compile(r"(?<![\w:/#<?$-])(SELECT|CONSTRUCT|ASK|DESCRIBE)(?![\w:/#>-])", re.I)
_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+\.\d*|\.\d+)$")
# an absolute IRI as SPARQL's IRIREF allows it (no spaces, quotes, braces, pipes or angle brackets)
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|^`\\]+$")
_CURIE_LIKE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*:\S+$")
_MAX_VALUE = 2000
#: the largest query file read (the longest stored query is under 6 kB)
MAX_QUERY_FILE_BYTES = 1 << 20
_EXPECTS = {
    "iri": "an IRI or CURIE",
    "iris": "IRIs or CURIEs separated by commas or spaces",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
}


class QueryError(IpexkgError):
    """A stored query that cannot be loaded, or a parameter that does not fit its query."""


class ParameterError(QueryError):
    """A parameter value that is unknown to its query, missing, malformed or of the wrong type."""


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
    param_types: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    example: tuple[tuple[str, str], ...] = ()
    #: False for a package query read on its own (:func:`stored_query`): rdflib has not parsed it
    checked: bool = True

    @property
    def compiled(self) -> Query:
        """Return the query prepared by rdflib (parsed once)."""
        return _prepare(self.text)

    @property
    def variables(self) -> frozenset[str]:
        """Return the names of every variable the query text mentions."""
        return frozenset(re.findall(r"[?$]([A-Za-z_][A-Za-z0-9_]*)", _strip_comments(self.text)))

    @property
    def form(self) -> str:
        """Return the query form: ``SELECT``, ``CONSTRUCT``, ``ASK`` or ``DESCRIBE``."""
        if not self.checked:
            match = _FORM_WORD.search(_strip_comments(self.text))
            if match:
                return match.group(1).upper()
        return _FORMS.get(self.compiled.algebra.name, self.compiled.algebra.name)

    @property
    def projected(self) -> tuple[str, ...]:
        """Return the projected variables of a SELECT query, in order (empty: ask the engine)."""
        if not self.checked:
            return ()
        return tuple(str(v) for v in self.compiled.algebra.get("PV") or ())

    def param_type(self, name: str) -> str:
        """Return the declared type of parameter ``name`` (``any`` when undeclared)."""
        return self.param_types.get(name, "any")


@lru_cache(maxsize=256)
def _prepare(text: str) -> Query:
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text)


def _strip_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def _split_list(value: str) -> tuple[str, ...]:
    value = value.strip().strip("[]")
    return tuple(v.strip() for v in value.split(",") if v.strip())


def _split_pairs(value: str, path: Path, what: str) -> tuple[tuple[str, str], ...]:
    pairs = []
    for item in value.split(",") if what == "param_types" else value.split():
        item = item.strip()
        if not item:
            continue
        key, sep, val = item.partition("=")
        if not sep or not key.strip():
            raise QueryError(f"{path}: #+ {what}: expected name=value, got {item!r}")
        pairs.append((key.strip(), val.strip()))
    return tuple(pairs)


def _nodes(algebra: Any) -> Iterator[Any]:
    from rdflib.plugins.sparql.algebra import traverse

    found: list[Any] = []

    def visit(node: Any) -> None:
        if getattr(node, "name", None):
            found.append(node)

    traverse(algebra, visit)
    return iter(found)


def check_read_only(query: Query, where: str) -> None:
    """Refuse a query that would reach outside the graph: ``SERVICE``, ``FROM``, ``FROM NAMED``.

    :raises QueryError: naming the construct
    """
    if query.algebra.get("datasetClause"):
        raise QueryError(
            f"{where}: FROM / FROM NAMED is refused: queries run on the loaded graph only and "
            "never fetch anything"
        )
    for node in _nodes(query.algebra):
        if node.name == "ServiceGraphPattern":
            raise QueryError(f"{where}: SERVICE is refused: queries never call other endpoints")


def _compile(text: str, where: str) -> Query:
    if not re.sub(r"(?m)^\s*#.*$", "", text).strip():
        raise QueryError(
            f"{where}: holds no query (empty, or comments only); write a SELECT, ASK, "
            "CONSTRUCT or DESCRIBE query"
        )
    try:
        return _prepare(text)
    except Exception as exc:
        from rdflib.plugins.sparql.parser import parseUpdate

        try:
            parseUpdate(text)
        except Exception:  # noqa: S110 - not an update either: report the query syntax error
            pass
        else:
            raise QueryError(
                f"{where}: is a SPARQL update (INSERT, DELETE, LOAD, CLEAR, DROP ...); only "
                "read-only queries are run"
            ) from None
        raise QueryError(f"{where}: SPARQL syntax error: {exc}") from None


def parse_stored_query(path: Path, kind: str | None = None, *, check: bool = True) -> StoredQuery:
    """Read one ``.rq`` file and its header, and check that it parses and stays read-only.

    :param check: False only for the package's own files, which :func:`catalogue` and the
        tests check: the query is then not parsed by rdflib (the engine parses it)
    :raises QueryError: with the file name and the problem
    """
    try:
        with path.open("rb") as handle:  # a pipe or a device may be endless: read a bounded part
            data = handle.read(MAX_QUERY_FILE_BYTES + 1)
        if len(data) > MAX_QUERY_FILE_BYTES:
            raise QueryError(
                f"{path}: longer than {MAX_QUERY_FILE_BYTES:,} bytes; a query file holds one query"
            )
        # newlines as Path.read_text reads them
        text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"{path}: cannot read the query ({exc})") from None
    meta: dict[str, str] = {}
    for line in text.splitlines():
        match = _HEADER.match(line)
        if match:
            meta[match.group(1).lower()] = match.group(2)
    kind = kind or (path.parent.name if path.parent.name in ("qc", "store") else "cq")
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
        param_types=MappingProxyType(
            dict(_split_pairs(meta.get("param_types", ""), path, "param_types"))
        ),
        example=_split_pairs(meta.get("example", ""), path, "example"),
        checked=check,
    )
    if not check:
        return query
    check_read_only(_compile(text, str(path)), str(path))
    _check_header(query)
    return query


def _check_header(query: StoredQuery) -> None:
    path = query.path
    reserved = sorted(RESERVED_PARAMS.intersection(query.params))
    if reserved:
        raise QueryError(f"{path}: parameter name {reserved[0]!r} is reserved; rename it")
    missing = [p for p in query.params if p not in query.variables]
    if missing:
        raise QueryError(f"{path}: #+ params names {missing}, which the query never uses")
    for what, names in (
        ("required", query.required),
        ("param_types", tuple(query.param_types)),
        ("example", tuple(k for k, _ in query.example)),
    ):
        unknown = [n for n in names if n not in query.params]
        if unknown:
            raise QueryError(f"{path}: #+ {what} names {unknown}, which #+ params lacks")
    for name, kind in query.param_types.items():
        if kind not in PARAM_TYPES:
            raise QueryError(
                f"{path}: parameter {name!r} has unknown type {kind!r}; use one of {PARAM_TYPES}"
            )
    if query.example:
        bind_parameters(query, dict(query.example))


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


@lru_cache(maxsize=1)
def _catalogue() -> Mapping[str, StoredQuery]:
    return MappingProxyType(load_queries())


def catalogue() -> Mapping[str, StoredQuery]:
    """Return the package's stored queries (``queries/cq`` and ``queries/qc``), by name."""
    return _catalogue()


def stored_query(name: str) -> StoredQuery:
    """Return the stored query ``name``, reading only its own file (fast for one query).

    :raises QueryError: for an unknown name, or a name that two files share
    """
    if _catalogue.cache_info().currsize:
        found = _catalogue().get(name)
        if found is None:
            raise QueryError(f"no stored query named {name!r}; 'ipexkg query --list' lists them")
        return found
    paths = sorted(query_dir().rglob(f"{name}.rq")) if re.fullmatch(r"[\w.-]+", name) else []
    if not paths:
        raise QueryError(f"no stored query named {name!r}; 'ipexkg query --list' lists them")
    if len(paths) > 1:
        raise QueryError(f"{paths[1]}: a query named {name!r} exists already")
    return parse_stored_query(paths[0], check=False)


def _parse_iri(text: str, where: str) -> URIRef:
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
        if not _IRI.match(text):
            raise ParameterError(f"{where}: {text!r} is not an absolute IRI")
        return URIRef(text)
    if text.startswith(("http://", "https://")):
        if not _IRI.match(text):
            raise ParameterError(f"{where}: {text!r} is not a valid IRI")
        return URIRef(text)
    if not _CURIE_LIKE.match(text):
        raise ParameterError(
            f"{where}: {text!r} is neither a CURIE (PREFIX:ID) nor an IRI (<...> or http(s)://...)"
        )
    try:
        curie = normalize_curie(text)
    except CurieError as exc:
        raise ParameterError(f"{where}: {exc}") from None
    prefix, _, local = curie.partition(":")
    pm = prefix_map()
    if prefix not in pm.prefixes:
        raise ParameterError(f"{where}: {text!r} has an unknown prefix {prefix!r}")
    pattern = pm.patterns.get(prefix)
    if pattern is not None and not pattern.match(local):
        raise ParameterError(
            f"{where}: {text!r} is not a valid {prefix} identifier (pattern {pattern.pattern})"
        )
    try:
        iri = expand(curie)
    except CurieError as exc:
        raise ParameterError(f"{where}: {exc}") from None
    if not _IRI.match(str(iri)):
        raise ParameterError(f"{where}: {text!r} does not expand to a valid IRI")
    return iri


def _iri_list(text: str, where: str) -> Literal:
    items = split_identifiers(text)
    if not items:
        raise ParameterError(f"{where}: expects {_EXPECTS['iris']}, got none")
    forms = dict.fromkeys(f"<{_parse_iri(item, where)}>" for item in items)
    return Literal(" ".join(forms))


def _parse_text(kind: str, text: str, where: str) -> Identifier:
    if len(text) > _MAX_VALUE:
        raise ParameterError(f"{where}: the value is longer than {_MAX_VALUE} characters")
    if not text.isascii():
        try:  # bytes that are not UTF-8 reach argv as lone surrogates
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ParameterError(f"{where}: the value is not UTF-8 text") from None
    stripped = text.strip()
    if kind == "string":
        return Literal(text)
    if kind == "iri":
        return _parse_iri(stripped, where)
    if kind == "iris":
        return _iri_list(stripped, where)
    if kind == "integer":
        if not _INTEGER.match(stripped):
            raise ParameterError(f"{where}: expects an integer, got {text!r}")
        return Literal(int(stripped))
    if kind == "number":
        if _INTEGER.match(stripped):
            return Literal(int(stripped))
        if _DECIMAL.match(stripped):
            return Literal(Decimal(stripped), datatype=XSD.decimal)
        raise ParameterError(f"{where}: expects a number, got {text!r}")
    if kind == "boolean":
        if stripped.lower() not in ("true", "false"):
            raise ParameterError(f"{where}: expects true or false, got {text!r}")
        return Literal(stripped.lower() == "true")
    # any: the value's own syntax decides
    if stripped.startswith("<") or stripped.startswith(("http://", "https://")):
        return _parse_iri(stripped, where)
    if stripped.lower() in ("true", "false"):
        return Literal(stripped.lower() == "true")
    if _INTEGER.match(stripped) or _DECIMAL.match(stripped):
        return _parse_text("number", stripped, where)
    if _CURIE_LIKE.match(stripped):
        return _parse_iri(stripped, where)
    return Literal(text)


def parse_parameter(query: StoredQuery, name: str, value: object) -> Identifier:
    """Turn one parameter value into an RDF term, checked against the parameter's type.

    ``value`` may be text (as typed on the command line), a Python ``bool``, ``int``,
    ``Decimal`` or ``float``, or an rdflib ``URIRef``/``Literal``; for an ``iris`` parameter
    also a list or tuple of IRIs or CURIEs.

    :raises ParameterError: for an unknown parameter or a value that does not fit
    """
    if name not in query.params:
        known = ", ".join(query.params) or "none"
        raise ParameterError(
            f"query {query.name!r} has no parameter {name!r} (its parameters: {known})"
        )
    kind = query.param_type(name)
    where = f"parameter {name!r} of query {query.name!r}"
    if kind == "iris" and isinstance(value, (list, tuple)):
        if not all(isinstance(item, str) for item in value):
            raise ParameterError(f"{where}: expects {_EXPECTS[kind]}")
        value = " ".join(value)
    if kind == "iris" and isinstance(value, (URIRef, Literal)):
        value = str(value)  # an IRI or the text of a list
    if isinstance(value, str) and not isinstance(value, (URIRef, Literal, BNode)):
        return _parse_text(kind, value, where)
    if isinstance(value, URIRef):
        if kind not in ("any", "iri"):
            raise ParameterError(f"{where}: expects {_EXPECTS[kind]}, got the IRI <{value}>")
        if not _IRI.match(str(value)):
            raise ParameterError(f"{where}: <{value}> is not a valid IRI")
        return value
    if isinstance(value, BNode):
        raise ParameterError(f"{where}: blank nodes cannot be parameters")
    if isinstance(value, Literal):
        return _check_literal(kind, value, where)
    if isinstance(value, bool):
        return _check_literal(kind, Literal(value), where)
    if isinstance(value, int):
        return _check_literal(kind, Literal(value), where)
    if isinstance(value, (Decimal, float)):
        return _check_literal(kind, Literal(Decimal(str(value)), datatype=XSD.decimal), where)
    raise ParameterError(f"{where}: cannot use a value of type {type(value).__name__}")


def _check_literal(kind: str, literal: Literal, where: str) -> Literal:
    datatype = literal.datatype
    ok = {
        "any": True,
        "iri": False,
        "iris": False,  # a Literal's text is read as a list before this
        "string": datatype in (None, XSD.string) or literal.language is not None,
        "integer": datatype == XSD.integer,
        "number": datatype in (XSD.integer, XSD.decimal, XSD.double),
        "boolean": datatype == XSD.boolean,
    }[kind]
    if not ok:
        raise ParameterError(f"{where}: expects {_EXPECTS[kind]}, got {literal.n3()}")
    return literal


def parameter_values(query: StoredQuery, items: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Collect the (name, text) pairs given on a command line or in a URL, by name.

    A parameter of type ``iris`` may be given more than once: its values are joined into one
    list (``phenotypes=HP:1&phenotypes=HP:2`` is ``phenotypes=HP:1,HP:2``).

    :raises ParameterError: for any other parameter given more than once
    """
    values: dict[str, str] = {}
    for name, text in items:
        if name in values:
            if query.param_type(name) != "iris":
                raise ParameterError(f"parameter {name!r} is given twice")
            text = f"{values[name]} {text}"
        values[name] = text
    return values


def bind_parameters(query: StoredQuery, params: Mapping[str, object]) -> dict[str, Identifier]:
    """Check and convert ``params`` for ``query``; values that are None are left out.

    :raises ParameterError: for an unknown, missing required, or ill-typed parameter
    """
    bindings = {
        name: parse_parameter(query, name, value)
        for name, value in params.items()
        if value is not None
    }
    missing = [name for name in query.required if name not in bindings]
    if missing:
        raise ParameterError(
            f"query {query.name!r} requires the parameter {missing[0]!r} "
            f"({_EXPECTS[query.param_type(missing[0])]}; --param {missing[0]}=VALUE on the "
            f"command line, ?{missing[0]}=VALUE over HTTP)"
        )
    return bindings


def run_stored_query(
    query: StoredQuery, graph: Graph, bindings: Mapping[str, Node] | None = None
) -> Result:
    """Run ``query`` on an rdflib graph with parameters bound as RDF terms (``initBindings``)."""
    bindings = bindings or {}
    unknown = sorted(set(bindings) - set(query.params))
    if unknown:
        raise QueryError(f"query {query.name!r} has no parameter {unknown[0]!r}")
    init: dict[str, Identifier] = {Variable(k): cast(Identifier, v) for k, v in bindings.items()}
    return graph.query(query.compiled, initBindings=init)


@lru_cache(maxsize=1)
def default_graph() -> Graph:
    """Return the graph built from the package's curated tables (built once per process)."""
    from ipexkg.build import build_graph

    return build_graph()


def run_query(
    name: str | StoredQuery,
    graph: Source | None = None,
    *,
    engine: str | None = None,
    **params: object,
) -> QueryResult:
    """Run a stored query and return its rows as Python values (IRIs as CURIEs).

    >>> result = run_query("manifestations-by-organ", organ="UBERON:0002046")  # doctest: +SKIP
    >>> result.rows[0]  # doctest: +SKIP

    :param name: a query name of the catalogue (see ``ipexkg query --list``), or a loaded query
    :param graph: an rdflib graph, or a ``pyoxigraph.Store`` for the Oxigraph engine (default:
        the graph built from the package's curated tables)
    :param engine: ``rdflib`` or ``oxigraph``; both give the same answer (default: the one
        that reads ``graph``, rdflib for a graph, Oxigraph for a store)
    :param params: the query's parameters: CURIEs, IRIs, numbers, booleans or text; a parameter
        left out means "all"
    :raises QueryError: for an unknown query name, or a parameter that does not fit
    """
    from ipexkg.engines import execute

    query = name if isinstance(name, StoredQuery) else stored_query(name)
    bindings = bind_parameters(query, params)
    source = graph if graph is not None else default_graph()
    chosen = engine or ("rdflib" if isinstance(source, Graph) else "oxigraph")
    return execute(query, source, bindings, chosen)
