"""Query engines: the same stored query run on rdflib or on Oxigraph, with one kind of answer.

Parameters are bound as RDF terms, never pasted into query text as the user typed them:
rdflib receives them through ``initBindings``; Oxigraph (and a remote endpoint) receives a
``VALUES`` block that opens the query's outer ``WHERE`` group and the group of every sub-SELECT
that projects the parameter, written from parsed ``pyoxigraph`` terms (so Oxigraph's own
serialiser escapes them). The sub-SELECTs get the block because rdflib's ``initBindings`` reach
into them too, and because Oxigraph plans a sub-SELECT without the outer group's bindings: a
ranking query would otherwise rank every disease of the store before keeping one. Oxigraph's
``substitutions`` argument is not used: pyoxigraph 0.5 accepts it only for projected variables
and binds them at the top, so it is as slow as the outer block alone. Both engines' answers are
brought to the canonical terms of :mod:`ipexkg.results`, so the two can be compared row for row.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import cast

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.namespace import XSD
from rdflib.store import Store, TripleAddedEvent, TripleRemovedEvent
from rdflib.term import Identifier, Node

from ipexkg.errors import InputError
from ipexkg.queries import QueryError, StoredQuery
from ipexkg.results import QueryResult, Term, canonical_term, display

__all__ = [
    "ENGINES",
    "OXIGRAPH_SUFFIXES",
    "Source",
    "copy_to_oxigraph",
    "execute",
    "from_oxigraph",
    "load_oxigraph",
    "oxigraph_result",
    "oxigraph_store",
    "subselect_groups",
    "to_oxigraph",
    "token_end",
    "with_values",
]

#: the engines a query can run on
ENGINES = ("rdflib", "oxigraph")
#: what a query runs on: an rdflib graph (either engine) or an Oxigraph store (Oxigraph only)
Source = Graph | ox.Store

_OX_FORMATS = {
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".ttl": ox.RdfFormat.TURTLE,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
}
#: file extensions that :func:`load_oxigraph` reads straight into a store
OXIGRAPH_SUFFIXES = frozenset(_OX_FORMATS)
_STORES: dict[int, tuple[weakref.ref[Graph], tuple[int, int], ox.Store]] = {}
#: rdflib store id -> how many triple additions and removals it has announced so far
_CHANGES: dict[int, int] = {}


def _changes(store: Store) -> int:
    """Return the number of changes ``store`` has announced since it was first asked about.

    rdflib's stores announce additions (and some removals) through their event dispatcher; a graph
    changed by removing one triple and adding another keeps its size, so the size alone would let
    :func:`oxigraph_store` answer from the store of the old content.
    """
    key = id(store)
    if key not in _CHANGES:
        _CHANGES[key] = 0

        def count(_event: object) -> None:
            _CHANGES[key] = _CHANGES.get(key, 0) + 1

        store.dispatcher.subscribe(TripleAddedEvent, count)  # type: ignore[no-untyped-call]
        store.dispatcher.subscribe(TripleRemovedEvent, count)  # type: ignore[no-untyped-call]
        weakref.finalize(store, _CHANGES.pop, key, None)
    return _CHANGES[key]


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Return the pyoxigraph term of an rdflib term.

    :raises ValueError: for an IRI that Oxigraph rejects (e.g. one containing spaces or ``>``)
    """
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def from_oxigraph(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    """Return the rdflib term of a pyoxigraph term (``xsd:string`` literals as simple literals)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    if datatype == str(XSD.string):
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(datatype))


def _from_oxigraph(term: object) -> Term:
    if term is None:
        return None
    if not isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal)):
        raise QueryError(f"the engine returned an unsupported term: {term!r}")
    return canonical_term(from_oxigraph(term))


def _quads(graph: Graph) -> Iterator[ox.Quad]:
    for s, p, o in graph.triples((None, None, None)):
        subject = cast(ox.NamedNode | ox.BlankNode, to_oxigraph(s))
        yield ox.Quad(subject, cast(ox.NamedNode, to_oxigraph(p)), to_oxigraph(o))


def oxigraph_store(graph: Graph) -> ox.Store:
    """Return an in-memory Oxigraph store holding ``graph``'s triples (cached per graph object).

    The cache is keyed by the graph object and checked against its size and the number of changes
    its rdflib store has announced, so a graph that grew, shrank or had a triple replaced is loaded
    again.
    """
    key = id(graph)
    cached = _STORES.get(key)
    state = (len(graph), _changes(graph.store))
    if cached is not None and cached[0]() is graph and cached[1] == state:
        return cached[2]
    store = copy_to_oxigraph(graph)
    _STORES[key] = (weakref.ref(graph, lambda _: _STORES.pop(key, None)), state, store)
    return store


def copy_to_oxigraph(graph: Graph) -> ox.Store:
    """Return a new in-memory Oxigraph store holding ``graph``'s triples (no cache)."""
    store = ox.Store()
    store.bulk_extend(_quads(graph))
    return store


def load_oxigraph(paths: list[Path]) -> ox.Store:
    """Load RDF files (N-Triples, Turtle, N-Quads, TriG) straight into one Oxigraph store.

    The triples of named graphs (N-Quads, TriG) go into the default graph, as ``read_rdf`` reads
    them for rdflib, so both engines see the same triples.

    :raises InputError: for a missing file, an unsupported extension or a syntax error
    """
    from ipexkg.files import check_input_file

    store = ox.Store()
    for path in paths:
        fmt = _OX_FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise InputError(f"{path}: Oxigraph reads {', '.join(sorted(_OX_FORMATS))} files here")
        check_input_file(path)
        base = path.resolve().as_uri()  # relative IRIs resolve against the file, as in rdflib
        try:
            if fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
                quads = ox.parse(path=str(path), format=fmt, base_iri=base)
                store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
            else:
                store.bulk_load(path=str(path), format=fmt, base_iri=base)
        except FileNotFoundError:
            raise InputError(f"{path}: no such file") from None
        except OSError as exc:
            raise InputError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
        except SyntaxError as exc:
            raise InputError(f"{path}: syntax error: {exc}") from None
    return store


def token_end(text: str, i: int) -> int:
    """Return the index after the comment, string or IRI starting at ``text[i]`` (else ``i``)."""
    char = text[i]
    if char == "#":
        end = text.find("\n", i)
        return len(text) if end < 0 else end
    if char in "\"'":
        quote = text[i : i + 3] if text[i : i + 3] in ('"""', "'''") else char
        j = i + len(quote)
        while j < len(text):
            if text[j] == "\\":
                j += 2
                continue
            if text.startswith(quote, j):
                return j + len(quote)
            if len(quote) == 1 and text[j] == "\n":
                break
            j += 1
        raise QueryError("unterminated string in the query")
    if char == "<":
        j = i + 1
        while j < len(text) and text[j] not in '<>"{}|^`\\' and text[j] > " ":
            j += 1
        if j < len(text) and text[j] == ">":
            return j + 1
    return i


def _word_at(text: str, i: int) -> int:
    """Return the index after the keyword, prefixed name or variable name starting at ``i``."""
    j = i + 1
    while j < len(text) and (text[j].isalnum() or text[j] in "_-:"):
        j += 1
    return j


def _tokens(text: str) -> Iterator[tuple[int, str]]:
    """Yield ``(index, lexeme)`` for the query's words (upper-cased), variables (``?name``) and
    other characters one by one, skipping comments, strings and IRIs."""
    i = 0
    while i < len(text):
        end = token_end(text, i)
        if end != i:
            i = end
            continue
        char = text[i]
        if char.isalpha() and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "_?$:")):
            j = _word_at(text, i)
            yield i, text[i:j].upper()
        elif char in "?$":
            j = _word_at(text, i)
            yield i, "?" + text[i + 1 : j]
        else:
            j = i + 1
            yield i, char
        i = j


_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")


def _where_group(text: str) -> int:
    """Return the index just after the ``{`` that opens the query's outer WHERE group."""
    brace = paren = 0
    form = None
    after_where = skipped_template = False
    for i, lexeme in _tokens(text):
        if brace == 0 and paren == 0 and form is None and lexeme in _FORMS:
            form = lexeme
        elif brace == 0 and paren == 0 and lexeme == "WHERE":
            after_where = True
        elif lexeme == "(":
            paren += 1
        elif lexeme == ")":
            paren -= 1
        elif lexeme == "{":
            if brace == 0 and paren == 0 and form is not None:
                if form == "CONSTRUCT" and after_where and not skipped_template:
                    raise QueryError(
                        "the short form CONSTRUCT WHERE { ... } cannot take parameters; write "
                        "CONSTRUCT { template } WHERE { ... }"
                    )
                if form != "CONSTRUCT" or skipped_template:
                    return i + 1
                skipped_template = True
            brace += 1
        elif lexeme == "}":
            brace -= 1
    raise QueryError("cannot find the WHERE group of the query")


def subselect_groups(text: str) -> list[tuple[int, frozenset[str] | None]]:
    """Return, for every sub-SELECT, the index just after the ``{`` opening its WHERE group and
    the variables it projects (None for ``SELECT *``).

    A projected variable is one of the projection list, or the one an ``(expression AS ?v)``
    names; variables read inside an expression are not projected.
    """
    groups: list[tuple[int, frozenset[str] | None]] = []
    brace = paren = 0
    projection: set[str] | None = None  # collecting a sub-SELECT's projection
    star = named = False
    for i, lexeme in _tokens(text):
        if lexeme == "SELECT" and brace > 0:
            projection, star, named, paren = set(), False, False, 0
        elif projection is not None and lexeme == "AS":
            named = True
        elif projection is not None and lexeme.startswith("?") and len(lexeme) > 1:
            if paren == 0 or named:
                projection.add(lexeme[1:])
                named = False
        elif projection is not None and lexeme == "*" and paren == 0:
            star = True
        elif projection is not None and lexeme in ("(", ")"):
            paren += 1 if lexeme == "(" else -1
        elif lexeme == "{":
            if projection is not None and paren == 0:
                groups.append((i + 1, None if star else frozenset(projection)))
                projection = None
            brace += 1
        elif lexeme == "}":
            brace -= 1
    return groups


def _values_block(names: Iterable[str], terms: Mapping[str, str]) -> str:
    names = sorted(names)
    values = " ".join(terms[n] for n in names)
    return f" VALUES ({' '.join('?' + n for n in names)}) {{ ({values}) }} "


def with_values(text: str, bindings: Mapping[str, Identifier]) -> str:
    """Return ``text`` with a ``VALUES`` block for ``bindings`` opening its outer WHERE group, and
    one opening each sub-SELECT that projects some of them (for those it projects).

    Each value is written by Oxigraph's own serialiser from a parsed term, so a value can never
    end the block or the query; an IRI Oxigraph rejects raises :class:`QueryError`.
    """
    if not bindings:
        return text
    try:
        terms = {name: str(to_oxigraph(term)) for name, term in bindings.items()}
    except ValueError as exc:
        raise QueryError(f"a parameter value is not a valid RDF term: {exc}") from None
    inserts = [(_where_group(text), _values_block(terms, terms))]
    for at, projected in subselect_groups(text):
        names = set(terms) & (projected or set())
        if names:
            inserts.append((at, _values_block(names, terms)))
    for at, block in sorted(inserts, reverse=True):
        text = text[:at] + block + text[at:]
    return text


def _rdflib(query: StoredQuery, graph: Graph, bindings: Mapping[str, Identifier]) -> QueryResult:
    result = graph.query(query.compiled, initBindings={Variable(k): v for k, v in bindings.items()})
    if result.type == "ASK":
        return QueryResult("ASK", (), (), boolean=bool(result.askAnswer))
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return _graph_result(result.type, result.graph or Graph())
    variables = _projection(query, [str(v) for v in result.vars or ()])
    rows = tuple(
        tuple(canonical_term(row.get(Variable(v))) for v in variables)  # type: ignore[union-attr]
        for row in result
    )
    return QueryResult("SELECT", variables, rows)


def _projection(query: StoredQuery, fallback: list[str]) -> tuple[str, ...]:
    return query.projected or tuple(fallback)


def _graph_result(form: str, graph: Graph) -> QueryResult:
    from ipexkg.terms import iri_problem

    for iri in {t for spo in graph for t in spo if isinstance(t, URIRef)}:
        why = iri_problem(str(iri))
        if why is not None:
            raise QueryError(f"the {form} result has an invalid IRI <{iri}>: {why}")
    out = Graph(bind_namespaces="core")
    triples = sorted(
        {tuple(canonical_term(t) for t in triple) for triple in graph},
        key=lambda t: tuple((display(x), x.n3() if x is not None else "") for x in t),
    )
    for triple in triples:
        out.add(triple)  # type: ignore[arg-type]
    return QueryResult(form, ("subject", "predicate", "object"), tuple(triples), graph=out)


def _oxigraph(
    query: StoredQuery, store: ox.Store, bindings: Mapping[str, Identifier]
) -> QueryResult:
    text = with_values(query.text, bindings)
    try:
        answer = store.query(text)
    except SyntaxError as exc:
        raise QueryError(f"{query.name}: Oxigraph cannot parse the query: {exc}") from None
    return oxigraph_result(query, answer)


def oxigraph_result(
    query: StoredQuery,
    answer: ox.QueryBoolean | ox.QuerySolutions | ox.QueryTriples | Iterable[ox.Triple | ox.Quad],
) -> QueryResult:
    """Return the canonical result of an answer in pyoxigraph's terms (from a store or parsed).

    :param answer: what ``Store.query`` returns, or the triples (quads) of a parsed graph
    """
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult("ASK", (), (), boolean=bool(answer))
    if not isinstance(answer, ox.QuerySolutions):
        graph = Graph(bind_namespaces="core")
        for triple in answer:
            graph.add(
                (
                    _from_oxigraph(triple.subject),
                    _from_oxigraph(triple.predicate),
                    _from_oxigraph(triple.object),
                )  # type: ignore[arg-type]
            )
        return _graph_result(query.form, graph)
    variables = _projection(query, [v.value for v in answer.variables])
    names = [ox.Variable(v) for v in variables]
    term = functools.cache(_from_oxigraph)  # a term repeats across rows (sources, labels)
    rows = tuple(tuple(term(solution[v]) for v in names) for solution in answer)
    return QueryResult("SELECT", variables, rows)


def _evaluated(query: StoredQuery, engine: str, run: Callable[[], QueryResult]) -> QueryResult:
    """Run ``run``; an engine's evaluation error (``SUM`` of IRIs, a bad ``REGEX``...) becomes a
    :class:`QueryError` naming the query, as the engines report them as any exception."""
    try:
        return run()
    except QueryError:
        raise
    except Exception as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise QueryError(f"{query.name}: {engine} cannot evaluate the query: {first}") from None


def execute(
    query: StoredQuery,
    source: Source,
    bindings: Mapping[str, Identifier] | None = None,
    engine: str = "rdflib",
) -> QueryResult:
    """Run ``query`` on ``source`` with ``engine`` and return the canonical result.

    :param bindings: parameters already checked by :func:`ipexkg.queries.bind_parameters`
    :param engine: ``rdflib`` or ``oxigraph``
    :raises QueryError: for an unknown engine, or an Oxigraph store asked of rdflib
    """
    bindings = bindings or {}
    if engine == "rdflib":
        if not isinstance(source, Graph):
            raise QueryError("the rdflib engine needs an rdflib Graph, not an Oxigraph store")
        graph = source
        return _evaluated(query, "rdflib", lambda: _rdflib(query, graph, bindings))
    if engine == "oxigraph":
        store = source if isinstance(source, ox.Store) else oxigraph_store(source)
        return _evaluated(query, "Oxigraph", lambda: _oxigraph(query, store, bindings))
    raise QueryError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
