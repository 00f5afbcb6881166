"""The release description against the W3C HCLS dataset description profile's property table.

The table below is section 5 ("Dataset Description Levels") of the W3C HCLS Community Profile
"Dataset Descriptions: HCLS Community Profile" (2015; the W3C-HCLSIG/HCLSDatasetDescriptions
repository, Overview.html): for each property, MUST / SHOULD / MAY / NEVER at the summary,
version and distribution level. The test checks every MUST and every NEVER (the levels a
property must not appear at) on the release's ``ipexkg.void.ttl``, and the note of section 6.2.3
that a version or distribution gives at least one of ``dct:created`` or ``dct:issued``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF

from ipexkg.build import DATASET
from ipexkg.namespaces import PAV
from ipexkg.release import DCAT, DCTYPES, HCLS_PROFILE, PROV, VOID, VOID_FILE, release_iri

FOAF = Namespace("http://xmlns.com/foaf/0.1/")
IDOT = Namespace("http://identifiers.org/idot/")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

#: property -> (summary, version, distribution), as the profile's table gives them
TABLE: dict[URIRef, tuple[str, str, str]] = {
    RDF.type: ("MUST", "MUST", "MUST"),
    DCTERMS.title: ("MUST", "MUST", "MUST"),
    DCTERMS.alternative: ("MAY", "MAY", "MAY"),
    DCTERMS.description: ("MUST", "MUST", "MUST"),
    DCTERMS.created: ("NEVER", "SHOULD", "SHOULD"),
    PAV.createdOn: ("NEVER", "MAY", "MAY"),
    PAV.authoredOn: ("NEVER", "MAY", "MAY"),
    PAV.curatedOn: ("NEVER", "MAY", "MAY"),
    DCTERMS.creator: ("NEVER", "MUST", "MUST"),
    DCTERMS.contributor: ("NEVER", "MAY", "MAY"),
    PAV.createdBy: ("NEVER", "MAY", "MAY"),
    PAV.authoredBy: ("NEVER", "MAY", "MAY"),
    PAV.curatedBy: ("NEVER", "MAY", "MAY"),
    DCTERMS.issued: ("NEVER", "SHOULD", "SHOULD"),
    DCTERMS.publisher: ("MUST", "MUST", "MUST"),
    FOAF.page: ("SHOULD", "SHOULD", "SHOULD"),
    DCTERMS.license: ("MUST", "MUST", "MUST"),
    DCTERMS.rights: ("MAY", "MAY", "MAY"),
    DCTERMS.language: ("NEVER", "SHOULD", "SHOULD"),
    DCAT.theme: ("MAY", "MAY", "MAY"),
    DCAT.keyword: ("MAY", "MAY", "MAY"),
    VOID.vocabulary: ("NEVER", "NEVER", "SHOULD"),
    DCTERMS.conformsTo: ("NEVER", "MAY", "SHOULD"),
    DCTERMS.hasPart: ("MAY", "MAY", "NEVER"),
    VOID.subset: ("NEVER", "NEVER", "MAY"),
    IDOT.preferredPrefix: ("MAY", "MAY", "MAY"),
    IDOT.identifierPattern: ("NEVER", "NEVER", "MAY"),
    VOID.uriRegexPattern: ("NEVER", "NEVER", "MAY"),
    IDOT.exampleIdentifier: ("NEVER", "NEVER", "SHOULD"),
    VOID.exampleResource: ("NEVER", "NEVER", "SHOULD"),
    VOID.inDataset: ("NEVER", "NEVER", "SHOULD"),
    PAV.version: ("NEVER", "MUST", "SHOULD"),
    DCTERMS.isVersionOf: ("NEVER", "MUST", "NEVER"),
    PAV.previousVersion: ("NEVER", "SHOULD", "SHOULD"),
    PAV.hasCurrentVersion: ("MAY", "NEVER", "NEVER"),
    DCTERMS.source: ("NEVER", "SHOULD", "SHOULD"),
    PAV.retrievedFrom: ("NEVER", "SHOULD", "SHOULD"),
    PROV.wasDerivedFrom: ("NEVER", "SHOULD", "SHOULD"),
    PAV.createdWith: ("NEVER", "NEVER", "MAY"),
    DCTERMS.accrualPeriodicity: ("SHOULD", "NEVER", "NEVER"),
    DCTERMS["format"]: ("NEVER", "NEVER", "MUST"),
    DCAT.distribution: ("NEVER", "SHOULD", "NEVER"),
    DCAT.accessURL: ("MAY", "MAY", "MAY"),
    DCAT.downloadURL: ("NEVER", "NEVER", "SHOULD"),
    VOID.dataDump: ("NEVER", "NEVER", "SHOULD"),
    DCAT.landingPage: ("NEVER", "MAY", "MAY"),
    VOID.triples: ("NEVER", "NEVER", "SHOULD"),
    VOID.entities: ("NEVER", "NEVER", "SHOULD"),
    VOID.distinctSubjects: ("NEVER", "NEVER", "SHOULD"),
    VOID.properties: ("NEVER", "NEVER", "SHOULD"),
    VOID.distinctObjects: ("NEVER", "NEVER", "SHOULD"),
    SD.namedGraph: ("NEVER", "NEVER", "SHOULD"),
    VOID.propertyPartition: ("NEVER", "NEVER", "MAY"),
    VOID.classPartition: ("NEVER", "NEVER", "MAY"),
}
LEVELS = ("summary", "version", "distribution")


@pytest.fixture(scope="module")
def void(release_dir: Path) -> Graph:
    return Graph().parse(release_dir / VOID_FILE, format="turtle")


def _levels(void: Graph) -> dict[str, list[URIRef]]:
    distributions = sorted(void.objects(release_iri(), DCAT.distribution), key=str)
    return {
        "summary": [DATASET],
        "version": [release_iri()],
        "distribution": distributions,  # type: ignore[dict-item]
    }


@pytest.mark.parametrize("level", LEVELS)
def test_every_must_property_is_present(level: str, void: Graph) -> None:
    nodes = _levels(void)[level]
    assert nodes, level
    index = LEVELS.index(level)
    for node in nodes:
        missing = [
            str(p)
            for p, rule in TABLE.items()
            if rule[index] == "MUST" and (node, p, None) not in void
        ]
        assert not missing, (node, missing)


@pytest.mark.parametrize("level", LEVELS)
def test_no_property_appears_where_the_profile_says_never(level: str, void: Graph) -> None:
    index = LEVELS.index(level)
    for node in _levels(void)[level]:
        wrong = [
            str(p)
            for p, rule in TABLE.items()
            if rule[index] == "NEVER" and (node, p, None) in void
        ]
        assert not wrong, (node, wrong)


def test_levels_are_linked_and_typed(void: Graph) -> None:
    assert (release_iri(), DCTERMS.isVersionOf, DATASET) in void
    assert (DATASET, RDF.type, DCTYPES.Dataset) in void
    assert (release_iri(), DCTERMS.conformsTo, HCLS_PROFILE) in void
    for dist in _levels(void)["distribution"]:
        assert (dist, RDF.type, DCAT.Distribution) in void
        assert any(void.objects(dist, DCTERMS.created)) or any(void.objects(dist, DCTERMS.issued))
    assert any(void.objects(release_iri(), DCTERMS.created))
    assert all(isinstance(v, Literal) for v in void.objects(None, DCTERMS["format"]))
