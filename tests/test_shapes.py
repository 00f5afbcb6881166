"""The shapes: valid fixtures pass, each invalid fixture fails with the rule it names, SHACL-SHACL.

Each invalid fixture ``tests/fixtures/invalid/NN-<defect>.ttl`` has one defect and states what it
must produce in its first lines, one line per finding::

    # expect: Violation ipexsh:AssociationShape-count | at most the total

The test checks that the findings are exactly those (severity and shape, or QC query) and that
each message contains the given words.
"""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from ipexkg.hpo import hpo_descendants
from ipexkg.identifiers import expand
from ipexkg.model import (
    ASSOCIATION_KINDS,
    FREQUENCY_TERMS,
    LITERAL_PREDICATES,
    STATEMENT_CLASS,
    XREF_PREDICATES,
)
from ipexkg.namespaces import curie_term
from ipexkg.rdfio import read_rdf
from ipexkg.resources import query_dir
from ipexkg.validate import SHAPES, load_shapes, validate_graph

FIXTURES = Path(__file__).parent / "fixtures"
VALID = sorted((FIXTURES / "valid").glob("*.ttl"))
INVALID = sorted((FIXTURES / "invalid").glob("*.ttl"))
_EXPECT = re.compile(r"^# expect: (Violation|Warning) (\S+) \| (.+)$")


def expectations(path: Path) -> list[tuple[str, str, str]]:
    """Return (severity, shape, message words) from the ``# expect:`` lines of a fixture."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _EXPECT.match(line)
        if match:
            found.append((match.group(1), match.group(2), match.group(3).strip()))
    return found


def test_the_corpora_are_large_enough_and_named_for_their_defect() -> None:
    assert len(VALID) >= 10
    assert len(INVALID) >= 25
    for path in [*VALID, *INVALID]:
        assert re.fullmatch(r"\d\d-[a-z0-9]+(-[a-z0-9]+)*\.ttl", path.name), path.name
    numbers = [path.name[:2] for path in INVALID]
    assert len(numbers) == len(set(numbers))


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_fixture_passes_without_any_finding(path: Path) -> None:
    result = validate_graph(read_rdf(path))
    assert result.conforms
    assert result.results == (), result.text


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_fails_with_the_expected_rule_and_message(path: Path) -> None:
    expected = expectations(path)
    assert expected, f"{path.name} has no '# expect:' line"
    result = validate_graph(read_rdf(path))
    assert {(f.severity, f.shape) for f in result.results} == {(s, r) for s, r, _ in expected}, (
        result.text
    )
    for _, shape, words in expected:
        messages = [f.message for f in result.results if f.shape == shape]
        assert any(words in m for m in messages), (shape, words, messages)
    assert result.conforms == all(severity == "Warning" for severity, _, _ in expected)


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


def test_shapes_pass_shacl_shacl(shapes: Graph) -> None:
    meta = Graph().parse(str(files("pyshacl") / "assets" / "shacl-shacl.ttl"), format="turtle")
    conforms, _, text = pyshacl.validate(shapes, shacl_graph=meta, inference="none")
    assert conforms, text
    conforms, _, _ = pyshacl.validate(Graph(), shacl_graph=shapes, meta_shacl=True)
    assert conforms


def _named_shapes(shapes: Graph) -> set[URIRef]:
    kinds = (SH.NodeShape, SH.PropertyShape)
    return {s for k in kinds for s in shapes.subjects(RDF.type, k) if isinstance(s, URIRef)}


def test_every_shape_is_named_targeted_and_explained(shapes: Graph) -> None:
    named = _named_shapes(shapes)
    assert len(named) > 50
    targets = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
    for shape in named:
        assert str(shape).startswith(str(SHAPES)), shape
        assert any(shapes.value(shape, t) is not None for t in targets), shape
        message = shapes.value(shape, SH.message)
        assert message is not None and len(str(message)) > 30, shape
    messages = [str(m) for m in shapes.objects(None, SH.message)]
    assert len(messages) == len(set(messages))


def test_warnings_are_only_the_should_rules(shapes: Graph) -> None:
    warnings = {s for s in shapes.subjects(SH.severity, SH.Warning)}
    assert warnings == {
        SHAPES["HasTaxon"],
        SHAPES["PhenotypicFeatureShape-organ"],
        SHAPES["PublicationShape-title"],
    }


def _in_list(shapes: Graph, shape: URIRef) -> set[str]:
    return {str(v) for v in shapes.items(shapes.value(shape, SH["in"]))}


def _camel(curie: str) -> str:
    local = curie.split(":", 1)[1]
    return "".join(part[:1].upper() + part[1:] for part in local.split("_"))


_RELATION_SHAPE = {
    "biolink:applied_to_treat": "Treats",
    "biolink:treats": "Treats",
    "biolink:disease_has_location": "HasLocation",
}


@pytest.mark.parametrize("predicate", sorted(ASSOCIATION_KINDS), ids=lambda p: p)
def test_relation_shapes_follow_the_model(shapes: Graph, predicate: str) -> None:
    _, subjects, objects = ASSOCIATION_KINDS[predicate]
    name = _RELATION_SHAPE.get(predicate, _camel(predicate))
    for side, target, classes in (
        ("subject", SH.targetSubjectsOf, subjects),
        ("object", SH.targetObjectsOf, objects),
    ):
        shape = SHAPES[f"{name}Shape-{side}"]
        assert curie_term(predicate) in set(shapes.objects(shape, target)), shape
        assert _in_list(shapes, shape) == {str(curie_term(c)) for c in classes}, shape


def test_association_class_shapes_follow_the_model(shapes: Graph) -> None:
    by_class: dict[str, set[str]] = {}
    for predicate, (category, _, _) in ASSOCIATION_KINDS.items():
        by_class.setdefault(category, set()).add(str(curie_term(predicate)))
    for predicate in LITERAL_PREDICATES | XREF_PREDICATES:
        by_class.setdefault(STATEMENT_CLASS, set()).add(str(curie_term(predicate)))
    seen = {}
    for shape in shapes.subjects(SH.path, RDF.predicate):
        target = shapes.value(shape, SH.targetClass)
        if target is not None:
            seen[str(target)] = _in_list(shapes, shape)
    assert seen == {str(curie_term(c)): p for c, p in by_class.items()}
    classes = _in_list(shapes, SHAPES["AssociationShape-type"])
    assert {str(curie_term(c)) for c in by_class} == classes


def test_frequency_terms_follow_the_model(shapes: Graph) -> None:
    frequency = _in_list(shapes, SHAPES["AssociationShape-frequency"])
    assert frequency == {str(expand(term)) for term in FREQUENCY_TERMS}


def test_onset_terms_are_hpo_onset_and_its_descendants(shapes: Graph) -> None:
    onsets = {str(expand(t)) for t in hpo_descendants("HP:0003674")}
    assert _in_list(shapes, SHAPES["AssociationShape-onset"]) == onsets
    assert _in_list(shapes, SHAPES["OnsetShape"]) == onsets


def test_fact_predicates_of_the_qc_query_follow_the_model() -> None:
    text = (query_dir() / "qc" / "fact-without-association-violation.rq").read_text()
    block = text.split("VALUES ?path {", 1)[1].split("}", 1)[0]
    listed = set(block.split())
    model = set(ASSOCIATION_KINDS) | LITERAL_PREDICATES | XREF_PREDICATES
    assert listed == model
