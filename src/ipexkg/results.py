"""Query results: one engine-neutral form, Python values, and the formats the CLI prints.

Both engines' answers are turned into the same canonical RDF terms (rdflib terms with numeric
lexical forms normalised, and simple literals without ``xsd:string``), so that a result compares
equal however it was computed. Rows then give Python values: IRIs as CURIEs, numbers as ``int`` or
``Decimal``, booleans as ``bool`` and text as ``str``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from ipexkg.identifiers import compress

__all__ = [
    "FORMATS",
    "GRAPH_FORMATS",
    "QueryResult",
    "Term",
    "Value",
    "canonical_term",
    "display",
    "format_result",
    "python_value",
]

#: a cell of a result: an RDF term, or None where the variable is unbound
Term = URIRef | BNode | Literal | None
#: a cell as a Python value
Value = str | int | float | Decimal | bool | dt.date | None

#: formats for SELECT and ASK results (and for CONSTRUCT results as a table of triples)
FORMATS = ("table", "csv", "tsv", "json", "md")
#: formats for CONSTRUCT results
GRAPH_FORMATS = ("turtle", "json-ld")

_INTEGER_TYPES = frozenset(
    XSD[t]
    for t in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "nonPositiveInteger",
        "positiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
)
_FLOAT_TYPES = frozenset({XSD.double, XSD.float})


def _decimal_lexical(value: Decimal) -> str:
    """Return the canonical lexical form of an ``xsd:decimal`` (``25.0``, ``10.7``, ``-0.5``)."""
    text = format(value.normalize(), "f")
    if "." not in text:
        text += ".0"
    return "0.0" if text in ("-0.0", "-0") else text


def canonical_term(term: Node | None) -> Term:
    """Return ``term`` in the engine-neutral canonical form used by :class:`QueryResult`.

    Numbers get one lexical form (Oxigraph writes ``25.0`` as ``25``), and ``xsd:string``-typed
    literals become simple literals (Oxigraph types every simple literal).
    """
    if term is None or isinstance(term, (URIRef, BNode)):
        return term
    if not isinstance(term, Literal):
        raise TypeError(f"not an RDF term: {term!r}")
    datatype = term.datatype
    lexical = str(term)
    if term.language:
        return Literal(lexical, lang=term.language.lower())
    if datatype is None or datatype == XSD.string:
        return Literal(lexical)
    try:
        if datatype == XSD.decimal:
            lexical = _decimal_lexical(Decimal(lexical.strip()))
        elif datatype in _INTEGER_TYPES:
            lexical = str(int(lexical.strip()))
        elif datatype in _FLOAT_TYPES:
            lexical = repr(float(lexical.strip()))
        elif datatype == XSD.boolean:
            lexical = "true" if lexical.strip() in ("true", "1") else "false"
    except (ValueError, InvalidOperation):
        pass  # an ill-typed literal keeps its lexical form
    return Literal(lexical, datatype=datatype, normalize=False)


def python_value(term: Term) -> Value:
    """Return the Python value of a canonical term (IRIs as CURIEs where a prefix fits)."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return compress(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    lexical = str(term)
    datatype = term.datatype
    try:
        if datatype in _INTEGER_TYPES:
            return int(lexical)
        if datatype == XSD.decimal:
            return Decimal(lexical)
        if datatype in _FLOAT_TYPES:
            return float(lexical)
        if datatype == XSD.boolean:
            return lexical == "true"
        if datatype == XSD.gYear:
            return int(lexical)
        if datatype == XSD.date:
            return dt.date.fromisoformat(lexical)
    except ValueError:
        pass
    return lexical


def display(term: Term) -> str:
    """Return the text of a cell for people and tables: CURIE, lexical form, or empty."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return compress(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


@dataclass(frozen=True)
class QueryResult:
    """The answer of a query: its form, variables and rows of canonical RDF terms.

    For a CONSTRUCT query the rows are the constructed triples (``subject``, ``predicate``,
    ``object``, sorted) and :attr:`graph` holds them as a graph; an ASK query has
    :attr:`boolean` and no rows.
    """

    form: str
    variables: tuple[str, ...]
    terms: tuple[tuple[Term, ...], ...]
    boolean: bool | None = None
    graph: Graph | None = None

    @property
    def rows(self) -> list[tuple[Value, ...]]:
        """Return the rows as tuples of Python values (IRIs as CURIEs)."""
        return [tuple(python_value(t) for t in row) for row in self.terms]

    def dicts(self) -> list[dict[str, Value]]:
        """Return the rows as dictionaries from variable name to Python value."""
        return [dict(zip(self.variables, row, strict=True)) for row in self.rows]

    def __len__(self) -> int:
        return len(self.terms)

    def display_rows(self) -> list[list[str]]:
        """Return the rows as text cells (see :func:`display`)."""
        return [[display(t) for t in row] for row in self.terms]


def _table(result: QueryResult, width: int) -> str:
    rows = result.display_rows()

    def cut(text: str) -> str:
        text = " ".join(text.split())
        return text if width <= 0 or len(text) <= width else text[: width - 1] + "…"

    cells = [list(result.variables)] + [[cut(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(result.variables))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def _delimited(result: QueryResult, delimiter: str) -> str:
    out = io.StringIO()
    if delimiter == "\t":
        # TSV cells cannot hold tabs or line breaks; they become spaces
        clean = [[" ".join(c.split()) for c in row] for row in result.display_rows()]
        lines = ["\t".join(result.variables)] + ["\t".join(row) for row in clean]
        return "\n".join(lines) + "\n"
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(result.variables)
    writer.writerows(result.display_rows())
    return out.getvalue()


def _markdown(result: QueryResult) -> str:
    def cell(text: str) -> str:
        return " ".join(text.split()).replace("|", "\\|")

    lines = [
        "| " + " | ".join(result.variables) + " |",
        "|" + "|".join("---" for _ in result.variables) + "|",
    ]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in result.display_rows()]
    return "\n".join(lines) + "\n"


def _json_term(term: Term) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)  # noqa: S101 - unbound cells are left out before
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype is not None:
        out["datatype"] = str(term.datatype)
    return out


def _sparql_json(result: QueryResult) -> str:
    document: dict[str, Any]
    if result.form == "ASK":
        document = {"head": {}, "boolean": bool(result.boolean)}
    else:
        bindings = [
            {v: _json_term(t) for v, t in zip(result.variables, row, strict=True) if t is not None}
            for row in result.terms
        ]
        document = {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _jsonld(graph: Graph) -> str:
    from ipexkg.jsonld import context_document

    text = graph.serialize(format="json-ld", context=context_document()["@context"], sort_keys=True)
    return text if text.endswith("\n") else text + "\n"


def format_result(result: QueryResult, fmt: str = "table", *, width: int = 0) -> str:
    """Return ``result`` as text in ``fmt``.

    :param fmt: ``table``, ``csv``, ``tsv``, ``json`` (SPARQL 1.1 Query Results JSON) or ``md``;
        for a CONSTRUCT or DESCRIBE result also ``turtle`` or ``json-ld`` (``json`` then means
        JSON-LD)
    :param width: for ``table``, cut cells longer than this (0: never)
    :raises ValueError: for an unknown format or a graph format asked of a SELECT result
    """
    if result.form in ("CONSTRUCT", "DESCRIBE") and result.graph is not None:
        # imported here: the serialisers are not needed by the tables of a SELECT
        from ipexkg.export import serialize_turtle
        from ipexkg.namespaces import bind

        if fmt == "turtle":
            return serialize_turtle(bind(result.graph))
        if fmt in ("json-ld", "json"):
            return _jsonld(bind(result.graph))
    elif fmt in GRAPH_FORMATS:
        raise ValueError(
            f"format {fmt!r} is for CONSTRUCT and DESCRIBE queries; use one of {FORMATS}"
        )
    if result.form == "ASK" and fmt != "json":
        return ("true" if result.boolean else "false") + "\n"
    if fmt == "table":
        return _table(result, width)
    if fmt == "csv":
        return _delimited(result, ",")
    if fmt == "tsv":
        return _delimited(result, "\t")
    if fmt == "json":
        return _sparql_json(result)
    if fmt == "md":
        return _markdown(result)
    raise ValueError(f"unknown format {fmt!r}; use one of {FORMATS + GRAPH_FORMATS}")
