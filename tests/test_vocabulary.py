"""Vocabulary: Biolink terms exist in the pinned schema; the ipex namespace matches its ontology."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest
import yaml
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from ipexkg.identifiers import prefix_map
from ipexkg.namespaces import BIOLINK, IPEX
from ipexkg.resources import biolink_prefix_map_path, ontology_path


@pytest.fixture(scope="module")
def biolink_schema() -> dict:
    return yaml.safe_load((files("biolink_model") / "schema" / "biolink_model.yaml").read_text())


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split(" "))


def test_every_biolink_term_in_the_graph_exists_in_the_schema(graph: Graph, biolink_schema) -> None:
    classes = {_camel(c) for c in biolink_schema["classes"]}
    slots = {s.replace(" ", "_") for s in biolink_schema["slots"]}
    used_classes = {o for o in graph.objects(None, RDF.type) if str(o).startswith(str(BIOLINK))}
    used_slots = {p for _, p, _ in graph if str(p).startswith(str(BIOLINK))}
    used_slots |= {o for o in graph.objects(None, RDF.predicate) if str(o).startswith(str(BIOLINK))}
    assert {str(c)[len(str(BIOLINK)) :] for c in used_classes} <= classes
    assert {str(s)[len(str(BIOLINK)) :] for s in used_slots} <= slots


def test_knowledge_level_and_agent_type_are_biolink_enum_values(
    graph: Graph, biolink_schema
) -> None:
    enums = biolink_schema["enums"]
    levels = set(enums["KnowledgeLevelEnum"]["permissible_values"])
    agents = set(enums["AgentTypeEnum"]["permissible_values"])
    assert {str(o) for o in graph.objects(None, BIOLINK.knowledge_level)} <= levels
    assert {str(o) for o in graph.objects(None, BIOLINK.agent_type)} <= agents


def test_pinned_prefix_map_is_biolinks_own() -> None:
    shipped = json.loads(
        (files("biolink_model") / "prefixmaps" / "biolink_model_prefix_map.json").read_text()
    )
    assert json.loads(biolink_prefix_map_path().read_text()) == shipped


def test_every_pattern_prefix_expands_or_is_literal_only() -> None:
    pm = prefix_map()
    literal_only = {"ICD10", "ICD9"}
    for prefix in pm.patterns:
        assert prefix in pm.prefixes or prefix in literal_only, prefix


def test_ipex_namespace_matches_the_ontology() -> None:
    onto = Graph().parse(ontology_path())
    defined = {
        s
        for s in onto.subjects(RDF.type, None)
        if isinstance(s, URIRef) and str(s).startswith(str(IPEX)) and s != URIRef(str(IPEX))
    }
    assert {str(s)[len(str(IPEX)) :] for s in defined} == set(IPEX.__annotations__)
    for term in defined:
        assert onto.value(term, RDFS.label) is not None
        assert (
            onto.value(term, URIRef("http://www.w3.org/2004/02/skos/core#definition")) is not None
        )
    assert (URIRef(str(IPEX)), RDF.type, OWL.Ontology) in onto


def test_misspelt_ipex_term_fails() -> None:
    with pytest.raises(AttributeError):
        IPEX.hasPhenotpye  # noqa: B018
