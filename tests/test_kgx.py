"""KGX: columns, every slot the associations carry, Biolink CURIEs, and the round trips."""

from __future__ import annotations

import json
import re
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS

from ipexkg.errors import InputError
from ipexkg.hpo_hierarchy import HP_IRI
from ipexkg.kgx import (
    EDGE_COLUMNS,
    NODE_COLUMNS,
    Kgx,
    graph_to_kgx,
    kgx_files,
    kgx_id,
    kgx_to_graph,
    read_kgx,
)
from ipexkg.namespaces import BIOLINK
from ipexkg.resources import biolink_prefix_map_path

NODE_CORE = ["id", "category", "name", "description", "xref", "synonym"]
EDGE_CORE = ["id", "subject", "predicate", "object", "category", "original_predicate"]


@pytest.fixture(scope="module")
def biolink() -> dict[str, Any]:
    text = (files("biolink_model") / "schema" / "biolink_model.yaml").read_text()
    return yaml.safe_load(text)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def kgx(graph: Graph) -> Kgx:
    return graph_to_kgx(graph)


@pytest.fixture(scope="module")
def written(kgx: Kgx, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("kgx")
    for name, text in kgx_files(kgx).items():
        (out / name).write_text(text, encoding="utf-8")
    return out


def _associations(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects(RDF.predicate, None) if isinstance(s, URIRef)}


def _edge_associations(graph: Graph) -> set[URIRef]:
    return {a for a in _associations(graph) if isinstance(graph.value(a, RDF.object), URIRef)}


def test_headers_start_with_the_core_columns(written: Path) -> None:
    nodes = (written / "ipexkg_nodes.tsv").read_text(encoding="utf-8").splitlines()[0]
    edges = (written / "ipexkg_edges.tsv").read_text(encoding="utf-8").splitlines()[0]
    assert nodes.split("\t")[: len(NODE_CORE)] == NODE_CORE
    assert edges.split("\t")[: len(EDGE_CORE)] == EDGE_CORE


def test_every_association_with_a_node_object_is_an_edge_with_its_hash_iri(
    graph: Graph, kgx: Kgx
) -> None:
    taxon = "https://w3id.org/ipexkg/in_taxon/"
    ids = [row["id"][0] for row in kgx.edges if not row["id"][0].startswith(taxon)]
    assert ids == sorted(str(a) for a in _edge_associations(graph))
    assert all(i.startswith("https://w3id.org/ipexkg/association/") for i in ids)
    taxon_edges = [row for row in kgx.edges if row["id"][0].startswith(taxon)]
    assert len(taxon_edges) == len(set(graph.subject_objects(BIOLINK.in_taxon))) > 0
    assert all(row["predicate"] == ("biolink:in_taxon",) for row in taxon_edges)


def test_every_slot_of_every_association_is_carried(graph: Graph, kgx: Kgx) -> None:
    """Each property of an association node has a column holding all of its values."""
    rows = {row["id"][0]: row for row in kgx.edges}
    by_predicate = {c.predicate: c for c in EDGE_COLUMNS.values() if c.predicate is not None}
    used = set()
    for node in _edge_associations(graph):
        for p, o in graph.predicate_objects(node):
            column = by_predicate[p]
            used.add(column.name)
            values = rows[str(node)][column.name]
            if isinstance(o, URIRef) and column.name not in ("predicate", "id", "category"):
                assert kgx_id(o) in values, (node, column.name)
            if column.name == "category":
                expected = "biolink:Association" if o == RDF.Statement else kgx_id(o)
                assert values == (expected,), node
    biolink_slots = {
        str(p)[len(str(BIOLINK)) :]
        for node in _edge_associations(graph)
        for p in graph.predicates(node)
        if str(p).startswith(str(BIOLINK))
    }
    assert biolink_slots <= used
    assert {
        "publications",
        "has_evidence",
        "primary_knowledge_source",
        "knowledge_level",
        "agent_type",
        "frequency_qualifier",
        "has_count",
        "has_total",
        "has_percentage",
        "onset_qualifier",
        "dct:source",
        "pav:curatedBy",
        "pav:curatedOn",
    } <= used


def test_biolink_named_columns_are_biolink_slots(biolink: dict[str, Any]) -> None:
    slots = biolink["slots"]
    for columns in (NODE_COLUMNS, EDGE_COLUMNS):
        for column in columns.values():
            if ":" not in column.name:
                assert column.name.replace("_", " ") in slots, column.name
                if column.predicate is not None and str(column.predicate).startswith(str(BIOLINK)):
                    assert str(column.predicate) == str(BIOLINK) + column.name


def test_kgx_predicates_for_non_biolink_ones_follow_biolink_mappings(
    biolink: dict[str, Any], kgx: Kgx
) -> None:
    slots = biolink["slots"]
    assert "skos:exactMatch" in slots["exact match"]["exact_mappings"]
    assert "oboInOwl:hasDbXref" in slots["close match"]["narrow_mappings"]
    for row in kgx.edges:
        predicate = row["predicate"][0]
        assert predicate.startswith("biolink:"), row["id"]
        assert predicate[len("biolink:") :].replace("_", " ") in slots, predicate
        if "original_predicate" in row:
            assert not row["original_predicate"][0].startswith("biolink:")


def test_identifiers_are_curies_of_the_biolink_prefix_map(kgx: Kgx) -> None:
    """Node ids, edge ends and categories are CURIEs of the pinned Biolink map (no URL ids)."""
    known = set(json.loads(biolink_prefix_map_path().read_text(encoding="utf-8")))
    for row in kgx.nodes:
        assert row["id"][0].split(":", 1)[0] in known, row["id"]
    for row in kgx.edges:
        for name in ("subject", "object", "category"):
            for value in row[name]:
                assert value.split(":", 1)[0] in known, value
                assert "/" not in value.split(":", 1)[1], value
    ids = {r["id"][0] for r in kgx.nodes}
    assert "ORDO:Orphanet_37042" in ids and "Orphanet:37042" not in ids
    assert not [i for i in ids if i.startswith(("ORPHA:", "MIM:", "http"))]


def test_tsv_and_jsonl_read_back_to_the_same_rows(kgx: Kgx, written: Path) -> None:
    tsv = read_kgx(written / "ipexkg_nodes.tsv", written / "ipexkg_edges.tsv")
    lines = read_kgx(written / "ipexkg_nodes.jsonl", written / "ipexkg_edges.jsonl")
    assert tsv == kgx
    assert lines == kgx


def test_several_values_are_pipes_in_tsv_and_lists_in_jsonl(written: Path) -> None:
    header, *rows = (written / "ipexkg_nodes.tsv").read_text(encoding="utf-8").splitlines()
    synonym = header.split("\t").index("synonym")
    ipex = next(r.split("\t") for r in rows if r.startswith("MONDO:0010580\t"))
    assert "|IPEX syndrome|" in f"|{ipex[synonym]}|"
    records = [json.loads(x) for x in (written / "ipexkg_edges.jsonl").read_text().splitlines()]
    assert all(isinstance(r["category"], list) and isinstance(r["subject"], str) for r in records)
    assert any(isinstance(r.get("has_count"), int) for r in records)


def test_kgx_to_rdf_to_kgx_gives_the_same_rows(kgx: Kgx) -> None:
    assert graph_to_kgx(kgx_to_graph(kgx)) == kgx


def test_graph_to_kgx_to_graph_keeps_every_node_and_edge_fact(graph: Graph, kgx: Kgx) -> None:
    """Everything but the vocabulary and the sources of text facts comes back unchanged."""
    edges = _edge_associations(graph)
    text_facts = _associations(graph) - edges
    records = {row["id"][0] for row in kgx.nodes}
    expected = Graph()
    for s, p, o in graph:
        if s in text_facts or (p == RDFS.subClassOf and str(s).startswith(HP_IRI)):
            continue  # text facts: RDF only; the HPO hierarchy: hp.obo's, not a KGX record
        if s in edges or kgx_id(s) in records:
            expected.add((s, p, o))
    # KGX gives every node a category; a node the graph leaves untyped (a cross-referenced
    # record that has only a label) comes back as biolink:NamedThing
    for subject in set(expected.subjects()):
        if subject not in edges and (subject, RDF.type, None) not in graph:
            expected.add((subject, RDF.type, BIOLINK.NamedThing))
    back = kgx_to_graph(kgx)
    assert len(back) == len(expected)
    assert isomorphic(back, expected)


def test_a_property_without_a_column_is_refused(graph: Graph) -> None:
    node = next(iter(_edge_associations(graph)))
    extra = Graph()
    for triple in graph:
        extra.add(triple)
    extra.add((node, URIRef("https://example.org/unknown"), Literal("x")))
    with pytest.raises(
        ValueError, match=re.escape("no KGX edge column for https://example.org/unknown")
    ):
        graph_to_kgx(extra)


def test_a_broken_kgx_row_is_reported_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "n.tsv").write_text("id\tcategory\nMONDO:1\tbiolink:Disease\textra\n")
    (tmp_path / "e.tsv").write_text("id\tsubject\tpredicate\tobject\n")
    with pytest.raises(InputError, match=r"n\.tsv:2: 3 cells, the header has 2"):
        read_kgx(tmp_path / "n.tsv", tmp_path / "e.tsv")
