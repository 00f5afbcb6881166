"""The built graph: structure, provenance on every fact, identifiers, determinism."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from ipexkg.build import BuildResult, association_iri, summarize
from ipexkg.curation import FACT_TABLES, Dataset
from ipexkg.hpo import hpo_terms
from ipexkg.identifiers import compress
from ipexkg.model import ASSOCIATION_KINDS, KB_RECORD_PREFIXES
from ipexkg.namespaces import BIOLINK, IPEX, curie_term

HP = "http://purl.obolibrary.org/obo/HP_"
PUBMED = "http://www.ncbi.nlm.nih.gov/pubmed/"
DOI = "https://doi.org/"
#: publications whose title could not be verified offline (see README, "Known gaps")
TITLE_UNVERIFIED = {URIRef(PUBMED + "30385752")}


def _associations(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects(RDF.predicate, None) if isinstance(s, URIRef)}


def test_no_blank_nodes(graph: Graph) -> None:
    assert not [t for t in graph if any(isinstance(x, BNode) for x in t)]


def test_every_hpo_id_and_label_matches_hp_obo(graph: Graph) -> None:
    terms = hpo_terms()
    used = {t for triple in graph for t in triple if isinstance(t, URIRef) and t.startswith(HP)}
    assert len(used) > 60
    for iri in used:
        curie = compress(iri)
        assert curie in terms and not terms[curie].obsolete, curie
        labels = {str(label) for label in graph.objects(iri, RDFS.label)}
        assert labels == {terms[curie].name}, (curie, labels)


def test_every_association_has_a_source_and_evidence(
    graph: Graph, built: BuildResult, dataset: Dataset
) -> None:
    associations = _associations(graph)
    # exactly one association node per row of a fact table
    from_rows = {iri for iri, o in built.origins.items() if Path(o.path).stem in FACT_TABLES}
    assert associations == from_rows
    assert len(from_rows) == sum(len(dataset.rows(t)) for t in FACT_TABLES)
    for node in associations:
        sources = set(graph.objects(node, DCTERMS.source))
        assert sources, node
        publications = set(graph.objects(node, BIOLINK.publications))
        records = {s for s in sources if compress(s).split(":", 1)[0] in KB_RECORD_PREFIXES}
        knowledge_source = set(graph.objects(node, BIOLINK.primary_knowledge_source))
        assert publications or (records and knowledge_source), node
        assert knowledge_source, node
        evidence = list(graph.objects(node, BIOLINK.has_evidence))
        assert len(evidence) == 1 and compress(evidence[0]).startswith("ECO:"), node


def test_every_publication_has_an_id_and_title(graph: Graph) -> None:
    publications = set(graph.subjects(RDF.type, BIOLINK.Publication))
    assert len(publications) >= 15
    for pub in publications:
        assert str(pub).startswith((PUBMED, DOI)), pub
        if pub not in TITLE_UNVERIFIED:
            assert list(graph.objects(pub, DCTERMS.title)), pub
    cited = {o for o in graph.objects(None, BIOLINK.publications)}
    assert cited <= publications | set(graph.subjects(RDF.type, BIOLINK.WebPage))


def test_direct_triple_and_association_node_go_together(graph: Graph) -> None:
    for node in _associations(graph):
        s = graph.value(node, RDF.subject)
        p = graph.value(node, RDF.predicate)
        o = graph.value(node, RDF.object)
        assert (s, p, o) in graph, node
    for predicate in ASSOCIATION_KINDS:
        pred = curie_term(predicate)
        for s, o in graph.subject_objects(pred):
            backed = set(graph.subjects(RDF.subject, s)) & set(graph.subjects(RDF.object, o))
            assert any((n, RDF.predicate, pred) in graph for n in backed), (s, pred, o)


def test_association_class_matches_predicate(graph: Graph) -> None:
    for predicate, (category, _, _) in ASSOCIATION_KINDS.items():
        for node in graph.subjects(RDF.predicate, curie_term(predicate)):
            assert (node, RDF.type, curie_term(category)) in graph, node


def test_association_iris_are_content_hashes(dataset, built) -> None:
    for row in dataset.rows("phenotypes"):
        iri = association_iri(row, dataset)
        assert iri in built.origins and built.origins[iri].line == row.line
        assert iri == association_iri(row, dataset)
    iris = [
        association_iri(r, dataset) for t in ("phenotypes", "associations") for r in dataset.rows(t)
    ]
    assert len(iris) == len(set(iris))


def test_disease_core_facts(graph: Graph, dataset: Dataset) -> None:
    disease = URIRef("http://purl.obolibrary.org/obo/MONDO_0010580")
    foxp3 = URIRef("http://identifiers.org/hgnc/6106")
    treg = URIRef("http://purl.obolibrary.org/obo/CL_0000815")
    assert (disease, RDF.type, BIOLINK.Disease) in graph
    assert (foxp3, BIOLINK.causes, disease) in graph
    assert (disease, BIOLINK.has_mode_of_inheritance, URIRef(HP + "0001419")) in graph
    assert (foxp3, BIOLINK.expressed_in, treg) in graph
    assert (foxp3, IPEX.required_for, treg) in graph
    omim = URIRef("http://purl.obolibrary.org/obo/OMIM_304790")
    assert (disease, URIRef("http://www.w3.org/2004/02/skos/core#exactMatch"), omim) in graph
    synonyms = set(
        graph.objects(
            disease, URIRef("http://www.geneontology.org/formats/oboInOwl#hasExactSynonym")
        )
    )
    assert Literal("XLAAD", lang="en") in synonyms
    assert synonyms == {
        Literal(row["value"], lang="en")
        for row in dataset.rows("statements")
        if row["subject"] == "MONDO:0010580" and row["predicate"] == "oboInOwl:hasExactSynonym"
    }


def test_wildin_13_of_14(graph: Graph) -> None:
    wildin = URIRef(PUBMED + "12161590")
    rows = [
        n
        for n in graph.subjects(BIOLINK.publications, wildin)
        if (n, RDF.predicate, BIOLINK.causes) in graph
    ]
    assert any(
        # Biolink gives has_count/has_total to phenotype associations only: ipex:'s here
        graph.value(n, IPEX.has_count) == Literal(13)
        and graph.value(n, IPEX.has_total) == Literal(14)
        for n in rows
    )


def test_conflicting_frequencies_are_separate_associations(graph: Graph) -> None:
    disease = URIRef("http://purl.obolibrary.org/obo/MONDO_0010580")
    alopecia = URIRef(HP + "0001596")
    nodes = [n for n in graph.subjects(RDF.object, alopecia) if (n, RDF.subject, disease) in graph]
    frequencies = {graph.value(n, BIOLINK.frequency_qualifier) for n in nodes}
    assert URIRef(HP + "0040283") in frequencies and URIRef(HP + "0040284") in frequencies


def test_summary_counts_match_the_tables(graph: Graph, dataset) -> None:
    summary = summarize(graph)
    assert summary.phenotype_associations == len(dataset.rows("phenotypes"))
    organs = {row["object"] for row in dataset.rows("phenotype_organs")}
    assert summary.organs == len(organs)
    assert summary.publications == sum(
        1 for row in dataset.rows("publications") if row["category"] != "biolink:WebPage"
    )


@pytest.mark.parametrize("seeds", [("1", "2")])
def test_build_is_byte_identical_across_hash_seeds(tmp_path: Path, seeds: tuple[str, str]) -> None:
    outputs = []
    for seed in seeds:
        out = tmp_path / f"seed{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-m", "ipexkg", "build", "--out", str(out)],
            check=True,
            env=env,
            capture_output=True,
        )
        outputs.append((out / "ipexkg.ttl").read_bytes())
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) > 10_000


def test_main_job_builds_validates_exports_and_answers(tmp_path: Path, capsys) -> None:
    from ipexkg.cli import main

    out = tmp_path / "out"
    assert main(["build", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "validate: conforms: 0 violations" in printed
    assert "MAXO:0000747" in printed  # the default query names the curative treatment
    listed = {line.split()[1] for line in (out / "SHA256SUMS").read_text().splitlines()}
    assert {"ipexkg.ttl", "ipexkg.nt", "ipexkg.jsonld", "ipexkg_edges.tsv"} <= listed
    assert listed == {p.name for p in out.iterdir()} - {"SHA256SUMS"}


def test_main_job_without_export_writes_nothing(tmp_path: Path, capsys) -> None:
    from ipexkg.cli import main

    assert main(["build", "--no-export", "--out", str(tmp_path / "out")]) == 0
    assert "conforms" in capsys.readouterr().out
    assert not (tmp_path / "out").exists()
