"""Exports: golden bytes per format, each RDF export read back to the built graph, PyLD."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pyoxigraph
import pytest
from pyld import jsonld
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from ipexkg import __version__
from ipexkg.export import (
    ALL_FORMATS,
    CONTEXT_FILE,
    EXPORT_FORMATS,
    export_all,
    export_files,
    graph_name,
    serialize_as,
)
from ipexkg.jsonld import CONTEXT_IRI, compact_iri, context_document, context_text, jsonld_text
from ipexkg.namespaces import PREFIXES, bind
from ipexkg.rdfio import read_rdf
from ipexkg.resources import context_path

SAMPLE = Path(__file__).parent / "fixtures" / "export" / "sample.ttl"
#: RDF export file -> the pyoxigraph format that reads it (a second, independent parser)
RDF_FILES = {
    "ipexkg.ttl": pyoxigraph.RdfFormat.TURTLE,
    "ipexkg.nt": pyoxigraph.RdfFormat.N_TRIPLES,
    "ipexkg.jsonld": None,
    "ipexkg.rdf": pyoxigraph.RdfFormat.RDF_XML,
    "ipexkg.trig": pyoxigraph.RdfFormat.TRIG,
    "ipexkg.nq": pyoxigraph.RdfFormat.N_QUADS,
}
ALL_FILES = [name for fmt in EXPORT_FORMATS.values() for name in fmt.files]


def _offline_loader(url: str, options: Any = None) -> dict[str, Any]:
    """PyLD document loader serving only the package's own context; everything else refused."""
    if url == CONTEXT_IRI:
        return {"contextUrl": None, "documentUrl": url, "document": context_document()}
    raise jsonld.JsonLdError(
        f"refused to load {url}: tests never touch the network",
        "jsonld.LoadDocumentError",
        code="loading document failed",
    )


def _triples(dataset: Graph) -> Graph:
    graph = Graph()
    for triple in dataset.triples((None, None, None)):
        graph.add(triple)
    return graph


@pytest.fixture(scope="module")
def sample() -> Graph:
    return bind(Graph(bind_namespaces="core")).parse(SAMPLE, format="turtle")


@pytest.fixture(scope="module")
def sample_files(sample: Graph) -> dict[str, bytes]:
    return export_files(sample, ("all",))


@pytest.fixture(scope="module")
def exported(graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export")
    export_all(graph, out)
    return out


@pytest.mark.parametrize("name", ALL_FILES)
def test_export_of_the_sample_equals_its_golden_file(
    name: str, sample_files: dict[str, bytes], golden: Any
) -> None:
    golden(f"export/{name}", sample_files[name].decode("utf-8"))


def test_expanded_jsonld_of_the_sample_equals_its_golden_file(sample: Graph, golden: Any) -> None:
    golden("export/ipexkg.expanded.jsonld", jsonld_text(sample, "expanded"))


def test_all_writes_every_format(exported: Path) -> None:
    assert sorted(p.name for p in exported.iterdir()) == sorted(ALL_FILES)
    assert set(ALL_FORMATS) == {"ttl", "nt", "jsonld", "rdfxml", "trig", "nq", "kgx"}


@pytest.mark.parametrize("name", list(RDF_FILES))
def test_rdf_export_reads_back_to_the_built_graph(name: str, exported: Path, graph: Graph) -> None:
    back = _triples(read_rdf(exported / name))
    assert len(back) == len(graph)
    assert isomorphic(back, graph), name


@pytest.mark.parametrize("name", [n for n, f in RDF_FILES.items() if f is not None])
def test_rdf_export_is_read_by_oxigraph_too(name: str, exported: Path, graph: Graph) -> None:
    quads = list(pyoxigraph.parse(path=str(exported / name), format=RDF_FILES[name]))
    assert len({(q.subject, q.predicate, q.object) for q in quads}) == len(graph)


@pytest.mark.parametrize("name", ["ipexkg.trig", "ipexkg.nq"])
def test_quads_are_in_the_versioned_named_graph(name: str, exported: Path) -> None:
    assert graph_name() == URIRef(f"https://w3id.org/ipexkg/graph/{__version__}")
    names = {quad[3] for quad in read_rdf(exported / name).quads((None, None, None, None))}
    assert names == {graph_name()}


def test_shipped_context_is_the_one_the_package_writes(exported: Path) -> None:
    assert context_path().read_text(encoding="utf-8") == context_text()
    assert (exported / CONTEXT_FILE).read_text(encoding="utf-8") == context_text()
    assert set(context_document()["@context"]) == {"@version", *PREFIXES}


def test_jsonld_is_compact_with_the_context_inline(exported: Path) -> None:
    document = json.loads((exported / "ipexkg.jsonld").read_text(encoding="utf-8"))
    assert document["@context"] == context_document()["@context"]
    ids = {node["@id"] for node in document["@graph"]}
    assert "MONDO:0010580" in ids
    assert "http://purl.obolibrary.org/obo/MONDO_0010580" not in ids


def test_pyld_reads_the_jsonld_to_the_same_graph(exported: Path, graph: Graph) -> None:
    document = json.loads((exported / "ipexkg.jsonld").read_text(encoding="utf-8"))
    nquads = jsonld.to_rdf(
        document, {"format": "application/n-quads", "documentLoader": _offline_loader}
    )
    assert isomorphic(Graph().parse(data=nquads, format="nt"), graph)


def _canonical(expanded: list[dict[str, Any]]) -> list[dict[str, Any]]:
    def values(node: dict[str, Any]) -> dict[str, Any]:
        return {k: sorted(v, key=json.dumps) if isinstance(v, list) else v for k, v in node.items()}

    return sorted((values(n) for n in expanded), key=lambda n: n["@id"])


def test_pyld_expansion_equals_the_expanded_export(exported: Path, graph: Graph) -> None:
    compact = json.loads((exported / "ipexkg.jsonld").read_text(encoding="utf-8"))
    theirs = jsonld.expand(compact, {"documentLoader": _offline_loader})
    ours = json.loads(jsonld_text(graph, "expanded"))
    assert _canonical(theirs) == _canonical(ours)


def test_offline_loader_refuses_remote_contexts() -> None:
    document = {"@context": "https://example.org/context.jsonld", "@id": "https://example.org/a"}
    with pytest.raises(jsonld.JsonLdError):
        jsonld.expand(document, {"documentLoader": _offline_loader})


def test_insertion_order_does_not_change_any_byte(graph: Graph) -> None:
    triples = list(graph)
    random.Random(7).shuffle(triples)
    shuffled = bind(Graph(bind_namespaces="core"))
    for triple in triples:
        shuffled.add(triple)
    assert export_files(shuffled) == export_files(graph)


def test_compact_iris_expand_back() -> None:
    for iri in (
        "http://purl.obolibrary.org/obo/MONDO_0010580",
        "https://w3id.org/ipexkg/vocab/has_onset",
        "https://w3id.org/ipexkg/association/003b81bb432b12bdd323",
        "https://doi.org/10.1155/2007/89017",
    ):
        prefix, _, suffix = compact_iri(iri).partition(":")
        assert str(PREFIXES[prefix]) + suffix == iri
    mondo = str(PREFIXES["MONDO"])
    assert compact_iri(mondo) == mondo  # a prefix's own IRI has an empty suffix
    assert compact_iri("https://example.org/x") == "https://example.org/x"


def test_unknown_format_or_form_is_refused(tmp_path: Path, sample: Graph) -> None:
    with pytest.raises(ValueError, match="unknown export format 'csv'"):
        export_all(sample, tmp_path, ["csv"])
    with pytest.raises(ValueError, match="unknown JSON-LD form"):
        export_all(sample, tmp_path, ["jsonld"], jsonld_form="flattened")
    assert not list(tmp_path.iterdir())


def test_graph_with_blank_nodes_still_converts() -> None:
    graph = Graph()
    graph.add((URIRef("https://example.org/a"), URIRef("https://example.org/p"), BNode("b1")))
    graph.add((BNode("b1"), URIRef("https://example.org/q"), Literal("x")))
    for fmt in ("turtle", "nt", "json-ld", "xml", "trig", "nquads"):
        text = serialize_as(graph, fmt)
        back = Dataset().parse(data=text, format=fmt)
        assert len(back) == 2, fmt


def test_named_graphs_are_kept_in_quad_formats() -> None:
    dataset = Dataset()
    name = URIRef("https://example.org/g")
    dataset.graph(name).add(
        (URIRef("https://example.org/a"), URIRef("https://example.org/p"), Literal("x"))
    )
    for fmt in ("trig", "nquads"):
        back = Dataset().parse(data=serialize_as(dataset, fmt), format=fmt)
        assert {q[3] for q in back.quads((None, None, None, None))} == {name}, fmt
