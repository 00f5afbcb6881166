"""Export: every RDF serialisation, deterministic (the same graph gives the same bytes).

rdflib writes Turtle (``longturtle`` with ``canon``) and TriG the same way whatever the order in
which triples were added, for graphs without blank nodes. Its N-Triples, N-Quads and RDF/XML
follow the store's iteration order, which changes with the hash seed, so those are sorted here:
N-Triples and N-Quads line by line, RDF/XML by writing subjects and their properties in order.
TriG and N-Quads put the graph in the named graph ``https://w3id.org/ipexkg/graph/<version>``.
JSON-LD comes from :mod:`ipexkg.jsonld`; KGX from :mod:`ipexkg.kgx`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.term import Node

from ipexkg import __version__
from ipexkg.errors import OutputError
from ipexkg.files import check_output_folder, replace_folder, write_text_atomic
from ipexkg.jsonld import context_text, jsonld_text
from ipexkg.namespaces import IPEXKG
from ipexkg.terms import graph_term_problems, xml_predicate_problem

__all__ = [
    "ALL_FORMATS",
    "CONTEXT_FILE",
    "EXPANDED_JSONLD_FILE",
    "EXPORT_FORMATS",
    "ExportFormat",
    "export_all",
    "export_files",
    "graph_name",
    "serialize_as",
    "serialize_nquads",
    "serialize_ntriples",
    "serialize_rdfxml",
    "serialize_trig",
    "serialize_turtle",
    "write_turtle",
]

#: the file name of the shipped JSON-LD context, written next to a compact JSON-LD export
CONTEXT_FILE = "ipexkg.context.jsonld"
#: the expanded JSON-LD (no context, JSON-LD 1.0 compatible), written next to the compact one
EXPANDED_JSONLD_FILE = "ipexkg.expanded.jsonld"


@dataclass(frozen=True)
class ExportFormat:
    """An export format: its name on the command line and the files it writes."""

    name: str
    files: tuple[str, ...]
    description: str


#: every export format by name, in the order ``all`` writes them
EXPORT_FORMATS: Mapping[str, ExportFormat] = MappingProxyType(
    {
        "ttl": ExportFormat("ttl", ("ipexkg.ttl",), "Turtle (canonical)"),
        "nt": ExportFormat("nt", ("ipexkg.nt",), "N-Triples, lines sorted"),
        "jsonld": ExportFormat(
            "jsonld",
            ("ipexkg.jsonld", EXPANDED_JSONLD_FILE, CONTEXT_FILE),
            "JSON-LD 1.1, compact, with the package's context inline (no loader needed); "
            "the same graph expanded (JSON-LD 1.0 readers); the context on its own",
        ),
        "rdfxml": ExportFormat("rdfxml", ("ipexkg.rdf",), "RDF/XML, subjects sorted"),
        "trig": ExportFormat("trig", ("ipexkg.trig",), "TriG, in the versioned named graph"),
        "nq": ExportFormat("nq", ("ipexkg.nq",), "N-Quads, in the versioned named graph, sorted"),
        "kgx": ExportFormat(
            "kgx",
            ("ipexkg_nodes.tsv", "ipexkg_edges.tsv", "ipexkg_nodes.jsonl", "ipexkg_edges.jsonl"),
            "KGX (Biolink exchange format): nodes and edges as TSV and as JSON Lines",
        ),
    }
)
ALL_FORMATS = tuple(EXPORT_FORMATS)


def graph_name(version: str = __version__) -> URIRef:
    """Return the IRI of the versioned named graph, ``https://w3id.org/ipexkg/graph/<version>``."""
    return IPEXKG[f"graph/{version}"]


def serialize_turtle(graph: Graph) -> str:
    """Return canonical Turtle (rdflib ``longturtle`` with ``canon=True``)."""
    return graph.serialize(format="longturtle", canon=True)


def _sorted_lines(text: str) -> str:
    lines = sorted({line for line in text.splitlines() if line.strip()})
    return "\n".join(lines) + "\n" if lines else ""


def serialize_ntriples(graph: Graph) -> str:
    """Return N-Triples with the lines sorted."""
    return _sorted_lines(graph.serialize(format="nt"))


def serialize_nquads(graph: Graph, name: URIRef | None = None) -> str:
    """Return N-Quads of ``graph`` in the named graph ``name`` (default :func:`graph_name`), sorted.

    A ``Dataset`` is written with each of its graphs under its own name.
    """
    if isinstance(graph, Dataset):
        return _sorted_lines(graph.serialize(format="nquads"))
    label = (name or graph_name()).n3()
    lines = serialize_ntriples(graph).splitlines()
    return "".join(f"{line[:-1].rstrip()} {label} .\n" for line in lines)


def _dataset(graph: Graph, name: URIRef) -> Dataset:
    dataset = Dataset()
    for prefix, namespace in graph.namespaces():
        dataset.bind(prefix, namespace, override=True, replace=True)
    named = dataset.graph(name)
    for triple in graph:
        named.add(triple)
    return dataset


def serialize_trig(graph: Graph, name: URIRef | None = None) -> str:
    """Return TriG of ``graph`` in the named graph ``name`` (default :func:`graph_name`).

    A ``Dataset`` is written with each of its graphs under its own name.
    """
    dataset = graph if isinstance(graph, Dataset) else _dataset(graph, name or graph_name())
    return dataset.serialize(format="trig")


def _po_key(pair: tuple[Node, Node]) -> tuple[str, str, str]:
    predicate, obj = pair
    return str(predicate), type(obj).__name__, obj.n3()


class _OrderedGraph(Graph):
    """A graph that lists subjects and their properties in sorted order (for RDF/XML)."""

    def subjects(  # type: ignore[override]
        self, predicate: Any = None, object: Any = None, unique: bool = False
    ) -> Iterator[Node]:
        return iter(sorted(set(super().subjects(predicate, object)), key=lambda n: n.n3()))

    def predicate_objects(  # type: ignore[override]
        self, subject: Any = None, unique: bool = False
    ) -> Iterator[tuple[Node, Node]]:
        return iter(sorted(super().predicate_objects(subject), key=_po_key))


def serialize_rdfxml(graph: Graph) -> str:
    """Return RDF/XML with subjects and properties sorted.

    :raises OutputError: for a predicate RDF/XML cannot write (its IRI ends in no XML name)
    """
    for predicate in sorted({str(p) for p in graph.predicates()}):
        why = xml_predicate_problem(predicate)
        if why:
            raise OutputError(why)
    ordered = _OrderedGraph(bind_namespaces="none")
    for prefix, namespace in graph.namespaces():
        ordered.bind(prefix, namespace, override=True, replace=True)
    for triple in graph.triples((None, None, None)):
        ordered.add(triple)
    return ordered.serialize(format="xml")


def _union(graph: Graph) -> Graph:
    if not isinstance(graph, Dataset):
        return graph
    union = Graph(bind_namespaces="none")
    for prefix, namespace in graph.namespaces():
        union.bind(prefix, namespace, override=True, replace=True)
    for triple in graph.triples((None, None, None)):
        union.add(triple)
    return union


def _has_named_graphs(dataset: Dataset) -> bool:
    default = dataset.default_graph.identifier
    return any(g.identifier != default and len(g) for g in dataset.graphs())


def _jsonld(graph: Graph) -> str:
    if any(isinstance(term, BNode) for triple in graph for term in triple):
        # blank nodes have no IRI to write; rdflib's writer labels them (not byte-stable)
        text: str = graph.serialize(format="json-ld", indent=2, sort_keys=True)
        return text if text.endswith("\n") else text + "\n"
    return jsonld_text(graph, "compact", inline_context=True)


def serialize_as(graph: Graph, fmt: str) -> str:
    """Return ``graph`` (or a ``Dataset``) in the rdflib format ``fmt``, deterministically.

    For a graph without blank nodes the text depends only on the triples: ``turtle``, ``nt``,
    ``json-ld`` (compact, the package's context inlined), ``xml``, ``trig`` and ``nquads``.
    A dataset keeps its named graphs in ``trig`` and ``nquads`` (its default graph stays
    unnamed); the other formats get the union of its graphs.

    :raises ValueError: for a format the package does not write
    :raises OutputError: for an IRI that not every writer accepts, or a predicate RDF/XML
        cannot write (an ill-typed literal is still RDF and is written as it is)
    """
    problems = list(graph_term_problems(graph, literals=False))
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise OutputError(f"cannot write {fmt}: {problems[0]}{more}")
    if fmt in ("trig", "nquads"):
        if isinstance(graph, Dataset) and _has_named_graphs(graph):
            return serialize_trig(graph) if fmt == "trig" else serialize_nquads(graph)
        triples = _union(graph)
        if fmt == "nquads":
            return serialize_ntriples(triples)
        return triples.serialize(format="trig")
    triples = _union(graph)
    writers = {
        "turtle": serialize_turtle,
        "nt": serialize_ntriples,
        "json-ld": _jsonld,
        "xml": serialize_rdfxml,
    }
    if fmt not in writers:
        raise ValueError(f"unknown output format {fmt!r}")
    return writers[fmt](triples)


def write_turtle(graph: Graph, path: Path) -> Path:
    """Write canonical Turtle to ``path`` atomically and return the path."""
    write_text_atomic(path, serialize_turtle(graph))
    return path


def _check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    chosen: list[str] = []
    for name in formats:
        names = ALL_FORMATS if name == "all" else (name,)
        for one in names:
            if one not in EXPORT_FORMATS:
                known = ", ".join((*ALL_FORMATS, "all"))
                raise ValueError(f"unknown export format {one!r}; use one of {known}")
            if one not in chosen:
                chosen.append(one)
    return tuple(chosen)


def export_files(
    graph: Graph, formats: Sequence[str] = ("all",), jsonld_form: str = "compact"
) -> dict[str, bytes]:
    """Return the export files of ``graph`` in ``formats`` as file name -> bytes (nothing written).

    :param formats: names from :data:`EXPORT_FORMATS`, or ``all``
    :param jsonld_form: ``compact`` (context inline; the expanded document and the context file
        beside it) or ``expanded`` (only ``ipexkg.jsonld``, expanded)
    :raises ValueError: for an unknown format or JSON-LD form
    """
    from ipexkg.kgx import graph_to_kgx, kgx_files

    files: dict[str, str] = {}
    for name in _check_formats(formats):
        if name == "ttl":
            files["ipexkg.ttl"] = serialize_turtle(graph)
        elif name == "nt":
            files["ipexkg.nt"] = serialize_ntriples(graph)
        elif name == "jsonld":
            if jsonld_form == "compact":
                files["ipexkg.jsonld"] = jsonld_text(graph, "compact", inline_context=True)
                files[EXPANDED_JSONLD_FILE] = jsonld_text(graph, "expanded")
                files[CONTEXT_FILE] = context_text()
            else:
                files["ipexkg.jsonld"] = jsonld_text(graph, jsonld_form)
        elif name == "rdfxml":
            files["ipexkg.rdf"] = serialize_rdfxml(graph)
        elif name == "trig":
            files["ipexkg.trig"] = serialize_trig(graph)
        elif name == "nq":
            files["ipexkg.nq"] = serialize_nquads(graph)
        elif name == "kgx":
            files.update(kgx_files(graph_to_kgx(graph), "ipexkg"))
    return {name: text.encode("utf-8") for name, text in files.items()}


def export_all(
    graph: Graph,
    out_dir: Path | str,
    formats: Sequence[str] = ("all",),
    jsonld_form: str = "compact",
) -> list[Path]:
    """Make ``out_dir`` hold ``graph`` in ``formats``, and only that; return the paths.

    The folder is replaced whole or not at all (:func:`ipexkg.files.replace_folder`): files of
    other formats from an earlier run are gone, so the folder never mixes two graphs.

    :raises ValueError: for an unknown format or JSON-LD form (before anything is written)
    :raises ipexkg.errors.OutputError: when the folder cannot be (re)written
    """
    check_output_folder(out_dir)
    files = export_files(graph, formats, jsonld_form)
    replace_folder(out_dir, files)
    return [Path(out_dir) / name for name in files]
