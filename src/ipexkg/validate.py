"""Validation: the SHACL shapes of ``shapes/`` and the QC queries of ``queries/qc/`` over one graph.

The shapes (SHACL Core only) run in pySHACL on rdflib's in-memory graph, without inference. The QC
queries (``*-violation.rq``: any row is a failure) run in Oxigraph, whose query engine stays fast
on large graphs where rdflib's does not (DESIGN.md section 8). Both kinds of finding land in one
``sh:ValidationReport`` graph and in one readable report grouped by focus node, which names the
curated file and row of each node when the caller passes the build's origins.

A graph conforms when it has no finding of severity ``sh:Violation``; warnings are reported but do
not make it fail.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import curies
import pyoxigraph as ox
import pyshacl
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.graph import ConjunctiveGraph
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from ipexkg.engines import copy_to_oxigraph, from_oxigraph
from ipexkg.identifiers import compress
from ipexkg.namespaces import PREFIXES, bind
from ipexkg.queries import StoredQuery, load_queries
from ipexkg.resources import query_dir, shapes_dir

__all__ = [
    "QC",
    "SHAPES",
    "Finding",
    "ValidationResult",
    "load_qc_queries",
    "load_shapes",
    "report_jsonld",
    "report_turtle",
    "validate_graph",
]

#: namespace of the shapes in ``shapes/ipex.shapes.ttl``
SHAPES = Namespace("https://w3id.org/ipexkg/shapes/")
#: namespace naming each QC query (``qc:<file stem>``) as the source of its findings
QC = Namespace("https://w3id.org/ipexkg/qc/")

_SEVERITY = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
_RANK = {"Violation": 0, "Warning": 1, "Info": 2}
_MAX_TEXT = 100


@dataclass(frozen=True)
class Finding:
    """One validation result, in terms a curator reads.

    :ivar focus: the focus node as a CURIE (or its IRI when no prefix fits)
    :ivar label: the node's English label, or for an association the fact it states
    :ivar shape: the rule broken: a shape (``ipexsh:...``) or a QC query (``qc:...``)
    :ivar path: the property the rule is about, as a CURIE, if any
    :ivar value: the offending value (CURIE and label, or the literal), if any
    :ivar severity: ``Violation``, ``Warning`` or ``Info``
    :ivar message: what the rule requires and how to fix it
    :ivar origin: the curated file and line of the node (``data/nodes.tsv:12``), when known
    :ivar component: the SHACL constraint component (``MinCount``), or ``qc`` for a query
    """

    focus: str
    label: str | None
    shape: str
    path: str | None
    value: str | None
    severity: str
    message: str
    origin: str | None
    component: str


@dataclass(frozen=True)
class ValidationResult:
    """The outcome of :func:`validate_graph`.

    :ivar conforms: True when no finding is a violation (warnings allowed)
    :ivar results: every finding, violations first, then by focus node
    :ivar report_graph: the ``sh:ValidationReport`` graph (QC findings included)
    :ivar text: the readable report, ending with the summary line
    :ivar triples: the number of triples validated
    """

    conforms: bool
    results: tuple[Finding, ...]
    report_graph: Graph
    text: str
    triples: int

    @property
    def violations(self) -> tuple[Finding, ...]:
        """Return the findings of severity Violation."""
        return tuple(f for f in self.results if f.severity == "Violation")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """Return the findings of severity Warning."""
        return tuple(f for f in self.results if f.severity == "Warning")

    @property
    def summary(self) -> str:
        """Return the one-line summary (the last line of :attr:`text`)."""
        return self.text.rstrip("\n").rsplit("\n", 1)[-1]


@lru_cache(maxsize=1)
def load_shapes() -> Graph:
    """Return the package's shapes: every ``*.ttl`` file of ``shapes/``, parsed once."""
    graph = Graph(bind_namespaces="core")
    for path in sorted(shapes_dir().glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@lru_cache(maxsize=1)
def load_qc_queries() -> tuple[StoredQuery, ...]:
    """Return the package's QC queries (``queries/qc/*-violation.rq``), sorted by name."""
    queries = load_queries(query_dir() / "qc")
    return tuple(queries[name] for name in sorted(queries))


@lru_cache(maxsize=1)
def _converter() -> curies.Converter:
    prefix_map = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    prefix_map.update({"sh": str(SH), "ipexsh": str(SHAPES), "qc": str(QC)})
    return curies.Converter.from_prefix_map(prefix_map)


def _curie(term: Node) -> str:
    text = str(term)
    if isinstance(term, BNode):
        return f"_:{text}"
    curie = _converter().compress(text)
    if curie is None:
        curie = compress(text)
    return curie if curie != text else f"<{text}>"


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"


def _label(graph: Graph, node: Node) -> str | None:
    label = graph.value(node, RDFS.label)
    return _short(str(label)) if label is not None else None


def _describe(graph: Graph, node: Node) -> str | None:
    """Return a node's label, or for an association node the fact it states."""
    label = _label(graph, node)
    if label is not None:
        return label
    predicate = graph.value(node, RDF.predicate)
    if predicate is None:
        return None
    parts = [graph.value(node, RDF.subject), predicate, graph.value(node, RDF.object)]
    return " ".join(_value_text(graph, part) if part is not None else "?" for part in parts)


def _value_text(graph: Graph, value: Node) -> str:
    if isinstance(value, Literal):
        text = f'"{_short(str(value))}"'
        if value.language:
            return f"{text}@{value.language}"
        if value.datatype is not None and value.datatype != XSD.string:
            return f"{text}^^{_curie(value.datatype)}"
        return text
    label = _label(graph, value) if isinstance(value, URIRef) else None
    return f"{_curie(value)} ({label})" if label else _curie(value)


def _path_text(report: Graph, path: Node) -> str:
    if isinstance(path, URIRef):
        return _curie(path)
    alternatives = report.value(path, SH.alternativePath)
    if alternatives is not None:
        return "|".join(_path_text(report, p) for p in report.items(alternatives))
    inverse = report.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + _path_text(report, inverse)
    if report.value(path, RDF.first) is not None:
        return "/".join(_path_text(report, p) for p in report.items(path))
    return "(path)"


def _as_graph(graph: Graph) -> Graph:
    """Return ``graph`` itself, or for a dataset one graph holding the union of its graphs."""
    if not isinstance(graph, ConjunctiveGraph):
        return graph
    merged = bind(Graph(bind_namespaces="core"))
    for triple in graph.triples((None, None, None)):
        merged.add(triple)
    return merged


def _run_qc(
    graph: Graph, queries: Sequence[StoredQuery], on: tuple[ox.Store, str] | None = None
) -> list[tuple[StoredQuery, dict[str, Node]]]:
    """Run each QC query in Oxigraph; return (query, row) for every row (each a violation).

    :param on: a store and the IRI of its named graph that holds the same triples as ``graph``,
        queried as the default graph instead of copying ``graph`` into a new store
    """
    if not queries:
        return []
    store = copy_to_oxigraph(graph) if on is None else on[0]
    default = None if on is None else ox.NamedNode(on[1])
    rows: list[tuple[StoredQuery, dict[str, Node]]] = []
    for query in queries:
        solutions = store.query(query.text, default_graph=default)
        if not isinstance(solutions, ox.QuerySolutions):
            raise TypeError(f"QC query {query.name} is not a SELECT query")
        names = [v.value for v in solutions.variables]
        for solution in solutions:
            row = {n: from_oxigraph(solution[n]) for n in names if solution[n] is not None}
            if "focus" in row:
                rows.append((query, row))
    return rows


def _add_qc_results(report: Graph, rows: Iterable[tuple[StoredQuery, dict[str, Node]]]) -> None:
    node = report.value(predicate=RDF.type, object=SH.ValidationReport)
    if node is None:
        raise ValueError("the report graph has no sh:ValidationReport node")
    for query, row in rows:
        result = BNode()
        report.add((node, SH.result, result))
        report.add((result, RDF.type, SH.ValidationResult))
        report.add((result, SH.focusNode, row["focus"]))
        if "path" in row:
            report.add((result, SH.resultPath, row["path"]))
        if "value" in row:
            report.add((result, SH.value, row["value"]))
        report.add((result, SH.resultSeverity, SH.Violation))
        report.add((result, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
        report.add((result, SH.sourceShape, QC[query.name]))
        report.add((result, SH.resultMessage, Literal(query.summary)))


def _origin(
    graph: Graph,
    origins: Mapping[URIRef, object],
    focus: Node,
    path: Node | None,
    value: Node | None,
) -> str | None:
    if not origins:
        return None
    if isinstance(focus, URIRef) and focus in origins:
        return str(origins[focus])
    if isinstance(path, URIRef) and value is not None:
        for node in graph.subjects(RDF.subject, focus):
            if (node, RDF.predicate, path) in graph and (node, RDF.object, value) in graph:
                if isinstance(node, URIRef) and node in origins:
                    return str(origins[node])
    return None


def _findings(graph: Graph, report: Graph, origins: Mapping[URIRef, object]) -> list[Finding]:
    merged: dict[tuple[Any, ...], tuple[dict[str, Any], set[str]]] = {}
    for result in report.objects(None, SH.result):
        focus = report.value(result, SH.focusNode)
        if focus is None:
            continue
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        shape = report.value(result, SH.sourceShape)
        component = report.value(result, SH.sourceConstraintComponent)
        message = report.value(result, SH.resultMessage)
        severity = report.value(result, SH.resultSeverity)
        is_qc = isinstance(shape, URIRef) and str(shape).startswith(str(QC))
        if component is None or is_qc:
            kind = "qc"
        else:
            kind = _curie(component).removeprefix("sh:").removesuffix("ConstraintComponent")
        fields = {
            "focus": _curie(focus),
            "label": _describe(graph, focus),
            "shape": _curie(shape) if shape is not None else "?",
            "path": _path_text(report, path) if path is not None else None,
            "value": _value_text(graph, value) if value is not None else None,
            "severity": _SEVERITY.get(severity, "Violation")
            if isinstance(severity, URIRef)
            else "Violation",
            "message": str(message) if message is not None else "",
            "origin": _origin(graph, origins, focus, path, value),
        }
        key = tuple(fields.values())
        merged.setdefault(key, (fields, set()))[1].add(kind)
    findings = [
        Finding(**fields, component="+".join(sorted(kinds))) for fields, kinds in merged.values()
    ]
    return sorted(
        findings,
        key=lambda f: (_RANK[f.severity], f.focus, f.shape, f.path or "", f.value or ""),
    )


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _text(findings: Sequence[Finding], conforms: bool, triples: int, shapes: int, qc: int) -> str:
    lines: list[str] = []
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(finding.focus, []).append(finding)
    for focus, group in groups.items():
        head = group[0]
        title = f"{focus}  {head.label}" if head.label and head.label != focus else focus
        origins = sorted({f.origin for f in group if f.origin})
        lines.append(f"{title}  [{', '.join(origins)}]" if origins else title)
        for finding in group:
            where = finding.path or ""
            if finding.value is not None:
                where = f"{where} = {finding.value}" if where else finding.value
            elif finding.component in {"MinCount", "QualifiedMinCount"}:
                where = f"{where} (missing)"
            elif finding.component in {"MaxCount", "QualifiedMaxCount"}:
                where = f"{where} (too many values)"
            lines.append(f"  {finding.severity.lower():9} {finding.shape}  {where}".rstrip())
            lines.append(f"            {finding.message}")
        lines.append("")
    violations = sum(1 for f in findings if f.severity == "Violation")
    warnings = sum(1 for f in findings if f.severity == "Warning")
    verdict = "conforms" if conforms else "does not conform"
    lines.append(
        f"{verdict}: {_count(violations, 'violation')}, {_count(warnings, 'warning')} "
        f"({_count(triples, 'triple')} checked against {shapes} shapes and {qc} QC queries)"
    )
    return "\n".join(lines) + "\n"


def validate_graph(
    graph: Graph,
    *,
    origins: Mapping[URIRef, object] | None = None,
    shapes: Graph | None = None,
    qc_queries: Sequence[StoredQuery] | None = None,
    qc_on: tuple[ox.Store, str] | None = None,
) -> ValidationResult:
    """Validate ``graph`` against the package's shapes and QC queries; print nothing.

    :param graph: the graph to check (a dataset is checked as the union of its graphs)
    :param origins: curated file and line of each node (``ipexkg.build.build().origins``), so
        that the report names the row to fix
    :param shapes: a shapes graph to use instead of the package's ``shapes/``
    :param qc_queries: QC queries to run instead of the package's ``queries/qc/``
    :param qc_on: an Oxigraph store and the IRI of a named graph in it holding exactly
        ``graph``'s triples, where the QC queries run (saves copying ``graph`` into Oxigraph)
    """
    data = _as_graph(graph)
    shapes_graph = shapes if shapes is not None else load_shapes()
    queries = tuple(qc_queries) if qc_queries is not None else load_qc_queries()
    _, report, _ = pyshacl.validate(
        data,
        shacl_graph=shapes_graph,
        inference="none",
        advanced=False,
        allow_warnings=True,
        allow_infos=True,
    )
    _add_qc_results(report, _run_qc(data, queries, qc_on))
    findings = _findings(data, report, origins or {})
    conforms = not any(f.severity == "Violation" for f in findings)
    node = report.value(predicate=RDF.type, object=SH.ValidationReport)
    report.set((node, SH.conforms, Literal(conforms)))
    n_shapes = len(
        {s for c in (SH.NodeShape, SH.PropertyShape) for s in shapes_graph.subjects(RDF.type, c)}
    )
    text = _text(findings, conforms, len(data), n_shapes, len(queries))
    return ValidationResult(conforms, tuple(findings), report, text, len(data))


def _report_prefixes(report: Graph) -> Graph:
    canonical = to_canonical_graph(report)
    out = bind(Graph(bind_namespaces="core"))
    for prefix, namespace in (("sh", SH), ("ipexsh", SHAPES), ("qc", QC)):
        out.bind(prefix, namespace)
    for triple in canonical:
        out.add(triple)
    return out


def report_turtle(result: ValidationResult) -> str:
    """Return the ``sh:ValidationReport`` graph as Turtle, the same bytes for the same report."""
    return _report_prefixes(result.report_graph).serialize(format="longturtle")


def report_jsonld(result: ValidationResult) -> str:
    """Return the ``sh:ValidationReport`` graph as JSON-LD with sorted keys."""
    graph = _report_prefixes(result.report_graph)
    context = {prefix: str(ns) for prefix, ns in graph.namespaces()}
    return graph.serialize(format="json-ld", context=context, sort_keys=True, indent=2)
