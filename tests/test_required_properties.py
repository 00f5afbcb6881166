"""Each required property of each shape, removed from a real built node, gives its finding.

The cases come from ``shapes/ipex.shapes.ttl`` (every property shape with ``sh:minCount``), so a
new required property is covered without editing this file; ``REQUIRED`` pins the ones known
today, so a ``sh:minCount`` that disappears from the shapes fails here instead of silently
dropping its case. Each case validates a small graph cut from the built graph around one focus
node: once as built (the shape must be silent) and once with the property removed (the shape
must report that node, with the shape's severity).
"""

from __future__ import annotations

import pyshacl
import pytest
from rdflib import Graph, Node, URIRef
from rdflib.namespace import RDF, SH

from ipexkg.build import BuildResult
from ipexkg.validate import load_shapes

SHAPES = load_shapes()
NS = SHAPES.namespace_manager


def _curie(term: Node) -> str:
    return term.n3(NS)


#: the required properties of today's shapes: shape -> path (a shape leaving this list fails)
REQUIRED = {
    "ipexsh:AssociationShape-agent-type": "biolink:agent_type",
    "ipexsh:AssociationShape-count-needs-total": "biolink:has_total",
    "ipexsh:AssociationShape-curation-date": "pav:curatedOn",
    "ipexsh:AssociationShape-curator": "pav:curatedBy",
    "ipexsh:AssociationShape-evidence": "biolink:has_evidence",
    "ipexsh:AssociationShape-knowledge-level": "biolink:knowledge_level",
    "ipexsh:AssociationShape-knowledge-source": "biolink:primary_knowledge_source",
    "ipexsh:AssociationShape-object": "rdf:object",
    "ipexsh:AssociationShape-predicate": "rdf:predicate",
    "ipexsh:AssociationShape-source": "dcterms:source",
    "ipexsh:AssociationShape-subject": "rdf:subject",
    "ipexsh:AssociationShape-type": "rdf:type",
    "ipexsh:CausalGeneAssociationShape": "rdf:predicate",
    "ipexsh:CausesShape-object": "rdf:type",
    "ipexsh:CausesShape-subject": "rdf:type",
    "ipexsh:CitedPublicationShape": "rdf:type",
    "ipexsh:ContributesToShape-object": "rdf:type",
    "ipexsh:ContributesToShape-subject": "rdf:type",
    "ipexsh:DatasetShape-description": "dcterms:description",
    "ipexsh:DatasetShape-license": "dcterms:license",
    "ipexsh:DatasetShape-title": "dcterms:title",
    "ipexsh:DatasetShape-version": "pav:version",
    "ipexsh:DiseaseHasBasisInShape-object": "rdf:type",
    "ipexsh:DiseaseHasBasisInShape-subject": "rdf:type",
    "ipexsh:EnglishLabel": "rdfs:label",
    "ipexsh:ExpressedInShape-object": "rdf:type",
    "ipexsh:ExpressedInShape-subject": "rdf:type",
    "ipexsh:ExpressionAssociationShape": "rdf:predicate",
    "ipexsh:GeneAssociatedWithConditionShape-object": "rdf:type",
    "ipexsh:GeneAssociatedWithConditionShape-subject": "rdf:type",
    "ipexsh:GeneProductRelationshipShape": "rdf:predicate",
    "ipexsh:GenericAssociationShape": "rdf:predicate",
    "ipexsh:HasGeneProductShape-object": "rdf:type",
    "ipexsh:HasGeneProductShape-subject": "rdf:type",
    "ipexsh:HasLocationShape-object": "rdf:type",
    "ipexsh:HasLocationShape-subject": "rdf:type",
    "ipexsh:HasModeOfInheritanceShape-object": "rdf:type",
    "ipexsh:HasModeOfInheritanceShape-subject": "rdf:type",
    "ipexsh:HasOnsetShape-object": "rdf:type",
    "ipexsh:HasOnsetShape-subject": "rdf:type",
    "ipexsh:HasPhenotypeShape-object": "rdf:type",
    "ipexsh:HasPhenotypeShape-subject": "rdf:type",
    "ipexsh:HasTaxon": "biolink:in_taxon",
    "ipexsh:HomologyAssociationShape": "rdf:predicate",
    "ipexsh:InheritanceAssociationShape": "rdf:predicate",
    "ipexsh:LocationAssociationShape": "rdf:predicate",
    "ipexsh:ModelAssociationShape": "rdf:predicate",
    "ipexsh:ModelOfShape-object": "rdf:type",
    "ipexsh:ModelOfShape-subject": "rdf:type",
    "ipexsh:OrthologousToShape-object": "rdf:type",
    "ipexsh:OrthologousToShape-subject": "rdf:type",
    "ipexsh:PhenotypeAssociationShape": "rdf:predicate",
    "ipexsh:PhenotypicFeatureShape-organ": "biolink:disease_has_location",
    "ipexsh:PublicationShape-title": "dcterms:title",
    "ipexsh:RequiredForShape-object": "rdf:type",
    "ipexsh:RequiredForShape-subject": "rdf:type",
    "ipexsh:SimilarToShape-object": "rdf:type",
    "ipexsh:SimilarToShape-subject": "rdf:type",
    "ipexsh:StatementShape": "rdf:predicate",
    "ipexsh:TreatmentAssociationShape": "rdf:predicate",
    "ipexsh:TreatsShape-object": "rdf:type",
    "ipexsh:TreatsShape-subject": "rdf:type",
}

IN_SHAPES = {
    _curie(s): _curie(SHAPES.value(s, SH.path))
    for s in SHAPES.subjects(SH.minCount, None)
    if SHAPES.value(s, SH.minCount).toPython() >= 1  # type: ignore[union-attr]
}
CASES = sorted(set(IN_SHAPES) | set(REQUIRED))


def _shape(curie: str) -> URIRef:
    return URIRef(NS.expand_curie(curie))


def _targets(shape: URIRef, data: Graph) -> list[Node]:
    found: set[Node] = set()
    for cls in SHAPES.objects(shape, SH.targetClass):
        found.update(data.subjects(RDF.type, cls))
    for p in SHAPES.objects(shape, SH.targetSubjectsOf):
        found.update(data.subjects(p, None))
    for p in SHAPES.objects(shape, SH.targetObjectsOf):
        found.update(data.objects(None, p))
    return sorted(found, key=str)


def _neighbourhood(data: Graph, focus: Node, shape: URIRef) -> Graph:
    """The focus node's own triples, the triples that make it a target, its objects' types."""
    out = Graph()
    for triple in data.triples((focus, None, None)):
        out.add(triple)
        for t in data.objects(triple[2], RDF.type):
            out.add((triple[2], RDF.type, t))
    for p in SHAPES.objects(shape, SH.targetObjectsOf):
        for s in data.subjects(p, focus):
            out.add((s, p, focus))
    return out


def _findings(data: Graph, shape: URIRef, focus: Node) -> set[Node]:
    """The severities of ``shape``'s results on ``focus``."""
    _, report, _ = pyshacl.validate(
        data, shacl_graph=SHAPES, inference="none", advanced=False, allow_warnings=True
    )
    return {
        report.value(r, SH.resultSeverity)
        for r in report.subjects(SH.sourceShape, shape)
        if report.value(r, SH.focusNode) == focus
    }


def test_the_required_properties_are_the_known_ones() -> None:
    """A required property dropped from the shapes, or added to them, is a reviewed change."""
    assert IN_SHAPES == REQUIRED


@pytest.mark.parametrize("name", CASES)
def test_removing_a_required_property_gives_the_shapes_finding(
    name: str, built: BuildResult
) -> None:
    shape = _shape(name)
    assert (shape, SH.minCount, None) in SHAPES, f"{name} no longer requires {REQUIRED.get(name)}"
    path = SHAPES.value(shape, SH.path)
    assert isinstance(path, URIRef), f"{name}: only simple paths are removed here"
    targets = [t for t in _targets(shape, built.graph) if (t, path, None) in built.graph]
    assert targets, f"{name}: no node of the built graph carries {_curie(path)}"
    focus = targets[0]
    whole = _neighbourhood(built.graph, focus, shape)
    assert _findings(whole, shape, focus) == set(), f"{name} fires on {focus} as built"
    broken = Graph()
    for triple in whole:
        if triple[0] != focus or triple[1] != path:
            broken.add(triple)
    severity = SHAPES.value(shape, SH.severity) or SH.Violation
    assert _findings(broken, shape, focus) == {severity}, (
        f"{name}: {focus} without {_curie(path)} is not reported"
    )


#: node shapes whose identifier is a prefix and exactly seven digits (a change is reviewed here)
SEVEN_DIGITS = {
    "ipexsh:AttributeShape",
    "ipexsh:CellTypeShape",
    "ipexsh:DiseaseShape",
    "ipexsh:EvidenceTypeShape",
    "ipexsh:InheritanceShape",
    "ipexsh:OrganShape",
    "ipexsh:PhenotypicFeatureShape",
    "ipexsh:TreatmentProcedureShape",
}


def test_the_seven_digit_identifier_shapes_are_the_known_ones() -> None:
    found = {
        _curie(s)
        for s, pattern in SHAPES.subject_objects(SH.pattern)
        if (s, SH.path, None) not in SHAPES and str(pattern).endswith("_[0-9]{7}$")
    }
    assert found == SEVEN_DIGITS


@pytest.mark.parametrize("name", sorted(SEVEN_DIGITS))
def test_an_identifier_one_digit_short_or_long_is_refused(name: str, built: BuildResult) -> None:
    shape = _shape(name)
    cls = sorted(SHAPES.objects(shape, SH.targetClass), key=str)[0]
    node = sorted(built.graph.subjects(RDF.type, cls), key=str)[0]
    assert isinstance(node, URIRef)
    assert _findings(_typed(node, cls), shape, node) == set(), f"{node} is refused"
    for variant in (URIRef(str(node)[:-1]), URIRef(str(node) + "0")):
        assert _findings(_typed(variant, cls), shape, variant) == {SH.Violation}, variant


def _typed(node: URIRef, cls: Node) -> Graph:
    graph = Graph()
    graph.add((node, RDF.type, cls))
    return graph
