"""The HPO hierarchy in the graph, and organ-system queries that follow it."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from ipexkg.hpo import hpo_terms
from ipexkg.hpo_hierarchy import HP_IRI, add_hpo_ancestors, hierarchy_ntriples, hpo_ancestors
from ipexkg.namespaces import BIOLINK
from ipexkg.queries import run_query

ALL = URIRef(HP_IRI + "0000001")
IPEX = URIRef("http://purl.obolibrary.org/obo/MONDO_0010580")


def test_every_hpo_term_of_the_graph_reaches_the_root(graph: Graph) -> None:
    used = {o for o in graph.objects(None, BIOLINK.has_phenotype) if str(o).startswith(HP_IRI)}
    assert used
    for term in used:
        assert (term, RDFS.subClassOf * "*", ALL) in graph, term  # type: ignore[operator]


def test_hierarchy_edges_and_labels_come_from_hp_obo(graph: Graph) -> None:
    terms = hpo_terms()
    for child, parent in graph.subject_objects(RDFS.subClassOf):
        if str(child).startswith(HP_IRI):
            curie = "HP:" + str(child)[len(HP_IRI) :]
            assert "HP:" + str(parent)[len(HP_IRI) :] in terms[curie].parents
            labels = list(graph.objects(child, RDFS.label))
            assert labels == [Literal(terms[curie].name, lang="en")]


def test_ancestors_skip_obsolete_and_unknown_terms() -> None:
    obsolete = next(t.id for t in hpo_terms().values() if t.obsolete)
    assert hpo_ancestors([obsolete, "HP:9999999"]) == set()
    found = hpo_ancestors(["HP:0000818"])
    assert "HP:0000118" in found and "HP:0000001" in found


def test_whole_hierarchy_lines() -> None:
    lines = list(hierarchy_ntriples())
    current = sum(1 for t in hpo_terms().values() if not t.obsolete)
    labels = [line for line in lines if str(RDFS.label) in line]
    assert len(labels) == current
    assert f"<{HP_IRI}0000818> <{RDFS.subClassOf}> <{HP_IRI}0000118> ." in lines
    # integrate loads these lines leniently (no IRI checks): they must pass the strict parser
    text = "".join(f"{line}\n" for line in lines).encode("utf-8")
    assert sum(1 for _ in ox.parse(text, format=ox.RdfFormat.N_TRIPLES)) == len(lines)


def test_a_new_phenotype_is_found_without_editing_the_query(graph: Graph) -> None:
    """A phenotype below the endocrine root that IPEX was not annotated with shows up."""
    before = {row[0] for row in run_query("endocrine-manifestations", graph).rows}
    new = "HP:0000829"  # a term that hp.obo places below the endocrine root (checked next)
    assert "HP:0000818" in hpo_ancestors([new]) and new not in before
    extended = Graph()
    for triple in graph:
        extended.add(triple)
    term = URIRef(HP_IRI + new[3:])
    node = URIRef("https://w3id.org/ipexkg/association/test")
    extended.add((IPEX, BIOLINK.has_phenotype, term))
    for p, o in (
        (RDF.subject, IPEX),
        (RDF.predicate, BIOLINK.has_phenotype),
        (RDF.object, term),
        (URIRef("http://purl.org/dc/terms/source"), URIRef("https://example.org/test")),
    ):
        extended.add((node, p, o))
    add_hpo_ancestors(extended)
    after = {row[0] for row in run_query("endocrine-manifestations", extended).rows}
    assert after == before | {new}


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_organ_queries_follow_the_hierarchy(engine: str, graph: Graph) -> None:
    rows = run_query("skin-manifestations", graph, engine=engine).rows
    assert rows and all("HP:0001574" in hpo_ancestors([row[0]]) for row in rows)
