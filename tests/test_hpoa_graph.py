"""The HPO annotation converter: rows of any disease into the package's model."""

from __future__ import annotations

from dataclasses import replace

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from ipexkg.curation import Dataset
from ipexkg.hpo import HpoAnnotation, hpo_annotations, hpo_terms
from ipexkg.hpoa_graph import (
    HPOA_ASSOCIATION,
    convert_hpoa,
    hpoa_association_iri,
    hpoa_ntriples,
    hpoa_ntriples_blocks,
    hpoa_row_problem,
)
from ipexkg.identifiers import expand
from ipexkg.namespaces import BIOLINK, IPEX, PAV

IPEX_ROWS = hpo_annotations("OMIM:304790", "ORPHA:37042")
ROW = HpoAnnotation(
    database_id="OMIM:100000",
    disease_name="Example disease",
    qualifier="",
    hpo_id="HP:0002028",
    reference=("PMID:12345",),
    evidence="PCS",
    onset="",
    frequency="3/28",
    sex="",
    modifier="",
    aspect="P",
    biocuration="HPO:probinson[2021-06-21];HPO:iea[2009-02-17]",
)


def _one(graph: Graph, node: URIRef, predicate: URIRef) -> object:
    values = list(graph.objects(node, predicate))
    assert len(values) == 1, (node, predicate, values)
    return values[0]


def test_every_ipex_row_converts() -> None:
    assert len(IPEX_ROWS) == 91
    assert [r for r in IPEX_ROWS if hpoa_row_problem(r)] == []
    graph = convert_hpoa(IPEX_ROWS)
    associations = set(graph.subjects(RDF.predicate, None))
    assert associations == {hpoa_association_iri(r) for r in IPEX_ROWS}


def test_converter_agrees_with_the_curated_graph_on_ipex_phenotypes(
    graph: Graph, dataset: Dataset
) -> None:
    excluded = {
        (row["database_id"], row["hpo_id"], row["reference"])
        for row in dataset.rows("hpoa_exclusions")
    }
    kept = [
        r for r in IPEX_ROWS if (r.database_id, r.hpo_id, ";".join(r.reference)) not in excluded
    ]
    converted = convert_hpoa(kept)
    theirs = set(converted.objects(None, BIOLINK.has_phenotype))
    ours = set(graph.objects(expand("MONDO:0010580"), BIOLINK.has_phenotype))
    assert theirs and theirs <= ours


def test_a_fraction_gives_count_total_percentage_and_frequency_term() -> None:
    graph = convert_hpoa([ROW])
    node = hpoa_association_iri(ROW)
    assert _one(graph, node, BIOLINK.has_count) == Literal(3)
    assert _one(graph, node, BIOLINK.has_total) == Literal(28)
    assert _one(graph, node, BIOLINK.has_percentage) == Literal("10.7", datatype=XSD.decimal)
    assert _one(graph, node, BIOLINK.frequency_qualifier) == expand("HP:0040283")
    assert _one(graph, node, PAV.curatedOn) == Literal("2021-06-21", datatype=XSD.date)
    assert (expand("HP:0040283"), RDFS.label, Literal("Occasional", lang="en")) in graph


def test_the_row_is_written_as_in_the_curated_graph() -> None:
    graph = convert_hpoa([ROW])
    node = hpoa_association_iri(ROW)
    disease, term, pmid = expand("OMIM:100000"), expand("HP:0002028"), expand("PMID:12345")
    assert (disease, BIOLINK.has_phenotype, term) in graph
    assert _one(graph, node, RDF.type) == BIOLINK.DiseaseToPhenotypicFeatureAssociation
    assert _one(graph, node, RDF.subject) == disease
    assert _one(graph, node, RDF.predicate) == BIOLINK.has_phenotype
    assert _one(graph, node, RDF.object) == term
    assert _one(graph, node, DCTERMS.source) == pmid
    assert _one(graph, node, BIOLINK.publications) == pmid
    assert _one(graph, node, BIOLINK.has_evidence) == expand("ECO:0006017")
    assert _one(graph, node, BIOLINK.primary_knowledge_source) == expand("infores:hpo-annotations")
    assert _one(graph, node, BIOLINK.knowledge_level) == Literal("knowledge_assertion")
    assert _one(graph, node, BIOLINK.agent_type) == Literal("manual_agent")
    assert (disease, RDFS.label, Literal("Example disease", lang="en")) in graph
    assert (term, RDFS.label, Literal(hpo_terms()["HP:0002028"].name, lang="en")) in graph
    assert str(node).startswith(str(HPOA_ASSOCIATION))


def test_a_negated_row_has_no_direct_triple() -> None:
    row = replace(ROW, qualifier="NOT")
    graph = convert_hpoa([row])
    node = hpoa_association_iri(row)
    assert node != hpoa_association_iri(ROW)
    assert _one(graph, node, BIOLINK.negated) == Literal(True)
    assert not list(graph.triples((None, BIOLINK.has_phenotype, None)))


def test_percentage_sex_modifier_and_onset() -> None:
    row = replace(ROW, frequency="25%", sex="MALE", modifier="HP:0012828", onset="HP:0003593")
    graph = convert_hpoa([row])
    node = hpoa_association_iri(row)
    assert _one(graph, node, BIOLINK.has_percentage) == Literal("25", datatype=XSD.decimal)
    assert _one(graph, node, BIOLINK.frequency_qualifier) == expand("HP:0040283")
    assert _one(graph, node, BIOLINK.sex_qualifier) == expand("PATO:0000384")
    assert _one(graph, node, BIOLINK.qualifiers) == expand("HP:0012828")
    assert _one(graph, node, BIOLINK.onset_qualifier) == expand("HP:0003593")
    assert (expand("HP:0003593"), RDF.type, BIOLINK.Onset) in graph


def test_knowledge_base_rows_cite_the_record_and_its_source() -> None:
    row = replace(ROW, reference=("OMIM:100000",), evidence="IEA", frequency="")
    graph = convert_hpoa([row])
    node = hpoa_association_iri(row)
    assert _one(graph, node, DCTERMS.source) == expand("OMIM:100000")
    assert not list(graph.objects(node, BIOLINK.publications))
    assert _one(graph, node, BIOLINK.primary_knowledge_source) == expand("infores:omim")
    assert _one(graph, node, BIOLINK.has_evidence) == expand("ECO:0007669")
    assert _one(graph, node, BIOLINK.agent_type) == Literal("automated_agent")


def test_inheritance_and_onset_aspects() -> None:
    inheritance = replace(ROW, aspect="I", hpo_id="HP:0001419", frequency="")
    onset = replace(ROW, aspect="C", hpo_id="HP:0003593", frequency="")
    graph = convert_hpoa([inheritance, onset])
    disease = expand("OMIM:100000")
    assert (disease, BIOLINK.has_mode_of_inheritance, expand("HP:0001419")) in graph
    assert (disease, IPEX.has_onset, expand("HP:0003593")) in graph


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"database_id": "DECIPHER:1"}, "prefix 'DECIPHER' is not in the prefix map"),
        ({"aspect": "M"}, "aspect M"),
        ({"aspect": "C", "hpo_id": "HP:0003680"}, "not an onset"),
        ({"evidence": "XYZ"}, "evidence code 'XYZ'"),
        ({"reference": ("FOO:1",)}, "no reference with a known prefix"),
    ],
    ids=["decipher", "modifier-aspect", "clinical-course", "evidence", "reference"],
)
def test_rows_the_model_has_no_place_for_are_skipped(change: dict, reason: str) -> None:
    row = replace(ROW, **change)
    assert reason in (hpoa_row_problem(row) or "")
    assert len(convert_hpoa([row])) == 0


def test_ntriples_lines_are_the_same_triples() -> None:
    rows = [*IPEX_ROWS, ROW, replace(ROW, qualifier="NOT", disease_name='A "quoted" name')]
    lines = "\n".join(hpoa_ntriples(rows))
    assert isomorphic(Graph().parse(data=lines, format="nt"), convert_hpoa(rows))


def test_ntriples_blocks_are_the_lines_and_carry_the_aggregator() -> None:
    rows = [*IPEX_ROWS, ROW, replace(ROW, qualifier="NOT")]
    blocks = list(hpoa_ntriples_blocks(rows))
    assert len(blocks) == len(rows)
    assert all(block.endswith(" .\n") for block in blocks)
    assert "".join(blocks) == "".join(f"{line}\n" for line in hpoa_ntriples(rows))
    infores = "https://w3id.org/ipexkg/example-aggregator"
    graph = Graph().parse(data="".join(hpoa_ntriples_blocks(rows, aggregator=infores)), format="nt")
    plain = convert_hpoa(rows)
    aggregated = set(graph.subject_objects(BIOLINK.aggregator_knowledge_source))
    associations = set(plain.subjects(RDF.subject))
    assert aggregated == {(a, URIRef(infores)) for a in associations}
    assert len(graph) == len(plain) + len(associations)
