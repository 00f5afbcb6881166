"""The HPO annotation converter on a real excerpt of phenotype.hpoa, row by row, slot by slot."""

from __future__ import annotations

import re

import pytest
from rdflib import Literal
from rdflib.namespace import DCTERMS, RDF, XSD

from ipexkg.hpo import HpoAnnotation, hpo_annotations
from ipexkg.hpoa_graph import convert_hpoa, hpoa_association_iri, hpoa_row_problem
from ipexkg.identifiers import expand
from ipexkg.namespaces import BIOLINK

#: IPEX's OMIM record and an IPEX-like disorder's (STAT3 gain of function, in the differential)
EXCERPT = hpo_annotations("OMIM:304790", "OMIM:615952")
ECO = {"PCS": "ECO:0006017", "TAS": "ECO:0000304", "IEA": "ECO:0007669"}


def test_the_excerpt_is_real_and_converts() -> None:
    assert len(EXCERPT) > 40
    assert all(hpoa_row_problem(row) is None for row in EXCERPT)


@pytest.mark.parametrize("row", EXCERPT, ids=[f"{r.database_id}-{r.hpo_id}" for r in EXCERPT])
def test_row_slots(row: HpoAnnotation) -> None:
    graph = convert_hpoa([row])
    node = hpoa_association_iri(row)
    disease, term = expand(row.database_id), expand(row.hpo_id)
    assert set(graph.objects(node, RDF.subject)) == {disease}
    assert set(graph.objects(node, RDF.object)) == {term}
    if row.qualifier == "NOT":
        assert (disease, None, term) not in graph
        assert (node, BIOLINK.negated, Literal(True)) in graph
    else:
        assert (disease, None, term) in graph
    assert set(graph.objects(node, BIOLINK.has_evidence)) == {expand(ECO[row.evidence])}
    assert set(graph.objects(node, DCTERMS.source)) == {expand(r) for r in row.reference}
    fraction = re.fullmatch(r"(\d+)/(\d+)", row.frequency)
    if fraction:
        assert set(graph.objects(node, BIOLINK.has_count)) == {Literal(int(fraction[1]))}
        assert set(graph.objects(node, BIOLINK.has_total)) == {Literal(int(fraction[2]))}
    elif row.frequency.startswith("HP:"):
        assert set(graph.objects(node, BIOLINK.frequency_qualifier)) == {expand(row.frequency)}
    elif row.frequency.endswith("%"):
        value = Literal(row.frequency[:-1], datatype=XSD.decimal)
        assert set(graph.objects(node, BIOLINK.has_percentage)) == {value}
    else:
        assert not list(graph.objects(node, BIOLINK.frequency_qualifier))
    onset = set(graph.objects(node, BIOLINK.onset_qualifier))
    assert onset == ({expand(row.onset)} if row.onset else set())
