"""Release: checksums, the VoID/DCAT description, the SSSOM table and the golden listing."""

from __future__ import annotations

import hashlib
import importlib.metadata
import re
from collections import Counter
from typing import Any

import pytest
import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from ipexkg import __version__
from ipexkg.build import DATASET
from ipexkg.card import CARD_FILE
from ipexkg.curation import Dataset
from ipexkg.export import EXPORT_FORMATS
from ipexkg.hpo import hpo_version, hpoa_version
from ipexkg.identifiers import prefix_map
from ipexkg.namespaces import PAV
from ipexkg.rdfio import read_rdf
from ipexkg.release import (
    BIOLINK_MODEL_VERSION,
    CHECKSUM_FILE,
    DCAT,
    DCTYPES,
    MONDO_MAPPINGS_COMMIT,
    PROV,
    SPDX,
    SSSOM_FILE,
    SSSOM_PREFIX_OVERRIDES,
    VOID,
    VOID_FILE,
    Release,
    release_iri,
    write_release,
)

#: mapping_justification values the SSSOM schema allows (sssom_schema.yaml, slot pattern)
SEMAPV_JUSTIFICATIONS = {
    f"semapv:{name}"
    for name in (
        "MappingReview ManualMappingCuration LogicalReasoning LexicalMatching CompositeMatching "
        "UnspecifiedMatching SemanticSimilarityThresholdMatching "
        "LexicalSimilarityThresholdMatching MappingChaining MappingInversion StructuralMatching "
        "InstanceBasedMatching BackgroundKnowledgeBasedMatching"
    ).split()
}


@pytest.fixture(scope="module")
def release(dataset: Dataset, tmp_path_factory: pytest.TempPathFactory) -> Release:
    return write_release(tmp_path_factory.mktemp("release"), dataset)


@pytest.fixture(scope="module")
def void(release: Release) -> Graph:
    graph = Graph()
    for triple in read_rdf(release.out_dir / VOID_FILE).triples((None, None, None)):
        graph.add(triple)
    return graph


def _sssom(release: Release) -> tuple[dict[str, Any], list[dict[str, str]]]:
    lines = (release.out_dir / SSSOM_FILE).read_text(encoding="utf-8").splitlines()
    header = "\n".join(line[2:] for line in lines if line.startswith("# "))
    table = [line.split("\t") for line in lines if not line.startswith("#")]
    rows = [dict(zip(table[0], cells, strict=True)) for cells in table[1:]]
    return yaml.safe_load(header), rows


def test_release_holds_every_export_and_the_description(release: Release) -> None:
    expected = {name for fmt in EXPORT_FORMATS.values() for name in fmt.files}
    expected |= {
        VOID_FILE,
        SSSOM_FILE,
        CHECKSUM_FILE,
        CARD_FILE,
        "ipexkg.changes.md",
        "ipexkg.changes.tsv",
    }
    assert {f.name for f in release.files} == expected
    assert {p.name for p in release.out_dir.iterdir()} == expected


def test_sha256sums_lists_every_other_file_with_its_checksum(release: Release) -> None:
    lines = (release.out_dir / CHECKSUM_FILE).read_text(encoding="utf-8").splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in lines)
    assert set(listed) == {f.name for f in release.files} - {CHECKSUM_FILE}
    for name, digest in listed.items():
        assert hashlib.sha256((release.out_dir / name).read_bytes()).hexdigest() == digest


def test_void_checksums_and_sizes_match_the_files(release: Release, void: Graph) -> None:
    distributions = set(void.subjects(RDF.type, DCAT.Distribution))
    names = {str(void.value(d, DCTERMS.title)) for d in distributions}
    assert names == {f.name for f in release.files} - {VOID_FILE, CHECKSUM_FILE}
    for dist in distributions:
        path = release.out_dir / str(void.value(dist, DCTERMS.title))
        data = path.read_bytes()
        checksum = void.value(dist, SPDX.checksum)
        assert void.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        value = void.value(checksum, SPDX.checksumValue)
        assert value == Literal(hashlib.sha256(data).hexdigest(), datatype=XSD.hexBinary)
        size = void.value(dist, DCAT.byteSize)
        assert size == Literal(len(data), datatype=XSD.nonNegativeInteger)
        assert (release_iri(), DCAT.distribution, dist) in void


def test_every_distribution_has_a_media_type(void: Graph) -> None:
    iana = "https://www.iana.org/assignments/media-types/"
    for dist in void.subjects(RDF.type, DCAT.Distribution):
        name = str(void.value(dist, DCTERMS.title))
        media = void.value(dist, DCAT.mediaType)
        if name.endswith(".jsonl"):
            assert media is None and void.value(dist, DCTERMS["format"]) == Literal(
                "application/jsonl"
            )
        else:
            assert str(media).startswith(iana), name
            assert str(media) == iana + str(void.value(dist, DCTERMS["format"]))
    assert URIRef(iana + "application/n-quads") in {
        void.value(d, DCAT.mediaType)
        for d in void.subjects(DCTERMS.title, Literal("ipexkg.nq", lang="en"))
    }


NT_DISTRIBUTION = URIRef(f"https://w3id.org/ipexkg/release/{__version__}/ipexkg.nt")


def test_void_counts_match_the_graph(void: Graph, graph: Graph) -> None:
    """The statistics are on the N-Triples distribution (HCLS: distribution level only)."""
    DATASET = NT_DISTRIBUTION  # noqa: N806 - the node the counts describe
    assert void.value(DATASET, VOID.triples) == Literal(len(graph))
    classes = Counter(o for _, o in graph.subject_objects(RDF.type))
    properties = Counter(p for _, p, _ in graph)
    partitions = list(void.objects(DATASET, VOID.classPartition))
    assert {
        void.value(p, VOID["class"]): void.value(p, VOID.entities).toPython() for p in partitions
    } == dict(classes)
    partitions = list(void.objects(DATASET, VOID.propertyPartition))
    counted = {
        void.value(p, VOID.property): void.value(p, VOID.triples).toPython() for p in partitions
    }
    assert counted == dict(properties)
    assert sum(counted.values()) == len(graph)


def test_void_describes_the_dataset(void: Graph, graph: Graph) -> None:
    for predicate in (DCTERMS.title, DCTERMS.description, DCTERMS.license):
        assert void.value(DATASET, predicate) == graph.value(DATASET, predicate) is not None
    version = release_iri()
    assert void.value(version, PAV.version) == Literal(__version__)
    assert void.value(version, DCTERMS.isVersionOf) == DATASET
    assert list(void.objects(version, DCTERMS.creator))
    assert {DCTYPES.Dataset, DCAT.Dataset} <= set(void.objects(DATASET, RDF.type))


def test_sources_and_their_versions(void: Graph) -> None:
    sources = {
        str(void.value(s, DCTERMS.isVersionOf) or void.value(s, DCTERMS.source)): str(
            void.value(s, PAV.version)
        )
        for s in void.objects(release_iri(), PROV.wasDerivedFrom)
    }
    assert sources == {
        "https://w3id.org/biolink/infores/hpo": hpo_version(),
        "https://w3id.org/biolink/infores/hpo-annotations": hpoa_version(),
        "https://w3id.org/biolink/infores/mondo": MONDO_MAPPINGS_COMMIT,
        f"https://pypi.org/project/biolink-model/{BIOLINK_MODEL_VERSION}/": BIOLINK_MODEL_VERSION,
    }
    assert importlib.metadata.version("biolink-model") == BIOLINK_MODEL_VERSION


def test_sssom_header_declares_the_mapping_set(release: Release) -> None:
    meta, rows = _sssom(release)
    assert meta["mapping_set_id"] == f"https://w3id.org/ipexkg/release/{__version__}/{SSSOM_FILE}"
    assert meta["mapping_set_version"] == __version__
    assert meta["license"] == "https://creativecommons.org/licenses/by/4.0/"
    used = {
        row[key].split(":", 1)[0]
        for row in rows
        for key in ("subject_id", "predicate_id", "object_id", "mapping_justification")
    }
    assert set(meta["curie_map"]) == used
    prefixes = {**prefix_map().prefixes, **SSSOM_PREFIX_OVERRIDES}
    assert all(meta["curie_map"][p] == prefixes[p] for p in used)


def test_sssom_rows_are_the_curated_xrefs_each_with_a_justification(
    release: Release, dataset: Dataset
) -> None:
    _, rows = _sssom(release)
    xrefs = dataset.rows("xrefs")
    assert len(rows) == len(xrefs) > 0
    assert {(r["subject_id"], r["predicate_id"], r["object_id"]) for r in rows} == {
        (x["subject"], x["predicate"], x["object"]) for x in xrefs
    }
    for row in rows:
        assert row["mapping_justification"] in SEMAPV_JUSTIFICATIONS, row
        assert row["predicate_id"] in {"skos:exactMatch", "skos:relatedMatch", "oboInOwl:hasDbXref"}
        assert all(url.startswith("http") for url in row["see_also"].split("|")), row
    ipex = {r["object_id"] for r in rows if r["subject_id"] == "MONDO:0010580"}
    assert {"OMIM:304790", "Orphanet:37042"} <= ipex


def test_release_files_equal_their_golden_files(release: Release, golden: Any) -> None:
    """SHA256SUMS pins the bytes of every file; the small text files show what changed."""
    for name in (CHECKSUM_FILE, SSSOM_FILE, VOID_FILE):
        golden(f"release/{name}", (release.out_dir / name).read_text(encoding="utf-8"))


def test_no_file_holds_a_timestamp(release: Release) -> None:
    stamp = re.compile(rb"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
    for item in release.files:
        assert not stamp.search((release.out_dir / item.name).read_bytes()), item.name
