"""Build: the curated tables and the vocabulary turned into one RDF graph.

Every fact row becomes an association node (Biolink association class, ``rdf:subject``,
``rdf:predicate``, ``rdf:object`` and its provenance) plus the direct triple. Association IRIs are
a hash of the row's table and key, so a rebuild mints the same IRIs; there are no blank nodes.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from ipexkg import __version__
from ipexkg.curation import FACT_TABLES, Dataset, Row, load_dataset
from ipexkg.errors import OutputError
from ipexkg.hpo import hpo_descendants, hpo_terms, hpo_version
from ipexkg.hpo_hierarchy import add_hpo_ancestors
from ipexkg.identifiers import expand
from ipexkg.model import (
    ASSOCIATION_KINDS,
    ATTRIBUTE_TYPE_ROOTS,
    COUNT_CLASSES,
    PUBLICATION_TYPES,
    STATEMENT_CLASS,
)
from ipexkg.namespaces import BIOLINK, IPEX, IPEXKG, PAV, bind, curie_term
from ipexkg.resources import ontology_path
from ipexkg.terms import graph_term_problems

__all__ = [
    "DATASET",
    "BuildResult",
    "Origin",
    "Summary",
    "association_iri",
    "build",
    "build_graph",
    "summarize",
]

DATASET = IPEXKG["dataset"]
_LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
_KNOWLEDGE_LEVEL = Literal("knowledge_assertion")
_AGENT_TYPE = Literal("manual_agent")
#: node categories that are Biolink attributes (has_attribute_type required)
_ATTRIBUTE_CATEGORIES = frozenset({"biolink:Attribute", "biolink:Onset"})
_TABLE_PREDICATE = {
    "phenotypes": "biolink:has_phenotype",
    "phenotype_organs": "biolink:disease_has_location",
}


@dataclass(frozen=True)
class Origin:
    """Where a node of the graph was curated: table file and line."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class BuildResult:
    """The built graph and, for each curated node, the row it came from."""

    graph: Graph
    origins: Mapping[URIRef, Origin]


@dataclass(frozen=True)
class Summary:
    """Counts that describe a built graph."""

    triples: int
    nodes_by_category: Mapping[str, int]
    associations_by_type: Mapping[str, int]
    phenotype_associations: int
    publications: int
    organs: int

    def lines(self) -> list[str]:
        """Return the summary as printable lines."""
        out = [
            f"triples: {self.triples}",
            f"phenotype associations: {self.phenotype_associations}",
            f"publications: {self.publications}",
            f"organs (UBERON, located phenotypes): {self.organs}",
            "nodes by category:",
        ]
        out += [f"  {k}: {v}" for k, v in self.nodes_by_category.items()]
        out.append("associations by type:")
        out += [f"  {k}: {v}" for k, v in self.associations_by_type.items()]
        return out


def _key_text(row: Row, dataset: Dataset) -> str:
    spec = dataset.tables[row.table].spec
    parts = [row.table, *(f"{c}={'|'.join(sorted(row.values(c)))}" for c in spec.key)]
    return "\x1f".join(parts)


def association_iri(row: Row, dataset: Dataset) -> URIRef:
    """Return the content-hash IRI of a fact row (table and key; stable across rebuilds)."""
    digest = hashlib.sha256(_key_text(row, dataset).encode("utf-8")).hexdigest()[:20]
    return IPEXKG[f"association/{digest}"]


def _source_iri(source: str) -> URIRef:
    return URIRef(source) if source.startswith(("http://", "https://")) else expand(source)


def _percentage(count: int, total: int) -> Literal:
    value = (Decimal(100 * count) / Decimal(total)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return Literal(value, datatype=XSD.decimal)


def _add_nodes(graph: Graph, ds: Dataset, origins: dict[URIRef, Origin]) -> None:
    for row in ds.rows("nodes"):
        iri = expand(row["id"])
        origins[iri] = Origin(ds.display_path("nodes"), row.line)
        graph.add((iri, RDF.type, curie_term(row["category"])))
        graph.add((iri, RDFS.label, Literal(row["label"], lang="en")))
        if row["description"]:
            graph.add((iri, DCTERMS.description, Literal(row["description"], lang="en")))
        if row["taxon"]:
            graph.add((iri, BIOLINK.in_taxon, expand(row["taxon"])))
        if row["category"] in _ATTRIBUTE_CATEGORIES:
            for root in ATTRIBUTE_TYPE_ROOTS:
                if row["id"] in hpo_descendants(root):
                    graph.add((iri, BIOLINK.has_attribute_type, expand(root)))
                    graph.add(
                        (expand(root), RDFS.label, Literal(hpo_terms()[root].name, lang="en"))
                    )
    for row in ds.rows("publications"):
        iri = _source_iri(row["id"])
        origins[iri] = Origin(ds.display_path("publications"), row.line)
        graph.add((iri, RDF.type, curie_term(row["category"])))
        if row["category"] != "biolink:WebPage":
            graph.add((iri, RDF.type, BIOLINK.Publication))
        if row["category"] in PUBLICATION_TYPES:
            graph.add(
                (iri, BIOLINK.publication_type, curie_term(PUBLICATION_TYPES[row["category"]]))
            )
        graph.add((iri, RDFS.label, Literal(row["title"] or row["id"], lang="en")))
        if row["title"]:
            graph.add((iri, DCTERMS.title, Literal(row["title"], lang="en")))
        if row["year"]:
            graph.add((iri, DCTERMS.issued, Literal(row["year"], datatype=XSD.gYear)))
        if row["first_author"]:
            graph.add((iri, DCTERMS.creator, Literal(row["first_author"])))
        if row["journal"]:
            graph.add((iri, BIOLINK.iso_abbreviation, Literal(row["journal"])))
        if row["pmid"] and not row["id"].startswith("PMID:"):
            graph.add((iri, BIOLINK.xref, expand(f"PMID:{row['pmid']}")))
        if row["doi"] and not row["id"].startswith("doi:"):
            graph.add((iri, BIOLINK.xref, expand(f"doi:{row['doi']}")))
        if row["pmcid"]:
            graph.add((iri, DCTERMS.identifier, Literal(row["pmcid"])))
        if row["comment"]:
            # what is known of the publication, and what could not be verified, travels with it
            graph.add((iri, DCTERMS.description, Literal(row["comment"], lang="en")))
    for row in ds.rows("curators"):
        iri = IPEXKG[f"curator/{row['id']}"]
        origins[iri] = Origin(ds.display_path("curators"), row.line)
        graph.add((iri, RDF.type, BIOLINK.Agent))
        graph.add((iri, RDFS.label, Literal(row["name"], lang="en")))
        if row["orcid"]:
            graph.add((iri, BIOLINK.xref, URIRef(f"https://orcid.org/{row['orcid']}")))


def _fact_parts(row: Row) -> tuple[str, str, URIRef | Literal]:
    """Return (predicate CURIE, association class CURIE, object term) of a fact row."""
    table = row.table
    if table in _TABLE_PREDICATE:
        predicate = _TABLE_PREDICATE[table]
        return predicate, ASSOCIATION_KINDS[predicate][0], expand(row["object"])
    if table == "associations":
        return row["predicate"], row["category"], expand(row["object"])
    if table == "statements":
        return row["predicate"], STATEMENT_CLASS, Literal(row["value"], lang="en")
    if row["predicate"] in ("skos:exactMatch", "skos:relatedMatch"):
        return row["predicate"], STATEMENT_CLASS, expand(row["object"])
    return row["predicate"], STATEMENT_CLASS, Literal(row["object"])


def _add_fact(graph: Graph, ds: Dataset, row: Row, origins: dict[URIRef, Origin]) -> None:
    predicate, category, obj = _fact_parts(row)
    subject = expand(row["subject"])
    pred = curie_term(predicate)
    node = association_iri(row, ds)
    origins[node] = Origin(ds.display_path(row.table), row.line)
    graph.add((subject, pred, obj))
    if (
        isinstance(obj, URIRef)
        and row.cells.get("object_label")
        and (obj, RDFS.label, None) not in graph
    ):
        # a cross-referenced record gets the label its mapping source gives it, so a graph
        # that also describes the record (e.g. HPO's annotations of OMIM diseases) adds nothing
        graph.add((obj, RDFS.label, Literal(row["object_label"], lang="en")))
    add = graph.add
    add((node, RDF.type, curie_term(category)))
    add((node, RDF.subject, subject))
    add((node, RDF.predicate, pred))
    add((node, RDF.object, obj))
    pubs = {p["id"] for p in ds.rows("publications")}
    for source in row.values("source"):
        add((node, DCTERMS.source, _source_iri(source)))
        if source in pubs:
            add((node, BIOLINK.publications, _source_iri(source)))
    if "evidence" in row.cells and row["evidence"]:
        add((node, BIOLINK.has_evidence, expand(row["evidence"])))
    add((node, BIOLINK.primary_knowledge_source, expand(row["primary_knowledge_source"])))
    add((node, BIOLINK.knowledge_level, _KNOWLEDGE_LEVEL))
    add((node, BIOLINK.agent_type, _AGENT_TYPE))
    add((node, PAV.curatedBy, IPEXKG[f"curator/{row['curator']}"]))
    add((node, PAV.curatedOn, Literal(row["date_curated"], datatype=XSD.date)))
    cells = row.cells
    if cells.get("frequency"):
        add((node, BIOLINK.frequency_qualifier, expand(cells["frequency"])))
    if cells.get("onset"):
        add((node, BIOLINK.onset_qualifier, expand(cells["onset"])))
    if cells.get("frequency_text"):
        add((node, IPEX.frequency_text, Literal(cells["frequency_text"], lang="en")))
    # Biolink gives the count slots to phenotype associations only; other classes use ipex:'s
    stats = BIOLINK if category in COUNT_CLASSES else IPEX
    if cells.get("has_count") and cells.get("has_total"):
        count, total = int(cells["has_count"]), int(cells["has_total"])
        add((node, stats.has_count, Literal(count)))
        add((node, stats.has_total, Literal(total)))
        if not cells.get("has_percentage"):
            add((node, stats.has_percentage, _percentage(count, total)))
    elif cells.get("has_total"):
        add((node, stats.has_total, Literal(int(cells["has_total"]))))
    if cells.get("has_percentage"):
        # a whole number gets one decimal place, as Turtle writes decimals (95 -> 95.0)
        measured = Decimal(cells["has_percentage"])
        if measured == measured.to_integral_value():
            measured = measured.quantize(Decimal("0.1"))
        add((node, stats.has_percentage, Literal(measured)))
    if cells.get("description"):
        add((node, DCTERMS.description, Literal(cells["description"], lang="en")))


def _add_dataset(graph: Graph) -> None:
    graph.add((DATASET, RDF.type, BIOLINK.Dataset))
    graph.add((DATASET, RDFS.label, Literal("IPEX syndrome knowledge graph (ipexkg)", lang="en")))
    graph.add((DATASET, DCTERMS.title, Literal("IPEX syndrome knowledge graph", lang="en")))
    graph.add(
        (
            DATASET,
            DCTERMS.description,
            Literal(
                "Curated, cited facts about immune dysregulation, polyendocrinopathy, "
                "enteropathy, X-linked (IPEX) syndrome, MONDO:0010580: its gene FOXP3, regulatory "
                "T cells, manifestations with frequency, onset and organ, treatments and the "
                "publications behind each fact.",
                lang="en",
            ),
        )
    )
    graph.add((DATASET, DCTERMS.license, _LICENSE))
    graph.add((DATASET, PAV.version, Literal(__version__)))
    graph.add((DATASET, PAV.createdWith, Literal(f"ipexkg {__version__}")))
    graph.add((DATASET, DCTERMS.source, Literal(f"Human Phenotype Ontology {hpo_version()}")))


def build(dataset: Dataset | None = None) -> BuildResult:
    """Build the graph from ``dataset`` (default: the package's curated tables).

    :raises ipexkg.curation.CurationError: when the tables have problems
    :raises OutputError: for an invalid IRI or ill-typed literal in the graph
    """
    ds = dataset if dataset is not None else load_dataset()
    graph = bind(Graph(bind_namespaces="core"))
    graph.parse(ontology_path(), format="turtle")
    bind(graph)
    origins: dict[URIRef, Origin] = {}
    _add_dataset(graph)
    _add_nodes(graph, ds, origins)
    for table in FACT_TABLES:
        for row in ds.rows(table):
            _add_fact(graph, ds, row, origins)
    add_hpo_ancestors(graph)
    problems = list(graph_term_problems(graph))
    if problems:  # lint checks each cell the same way; this guards what the tables do not make
        raise OutputError(
            "the built graph has terms not every writer accepts: " + "; ".join(problems)
        )
    return BuildResult(graph, MappingProxyType(origins))


def build_graph(dataset: Dataset | None = None) -> Graph:
    """Build and return the IPEX knowledge graph as an rdflib ``Graph``."""
    return build(dataset).graph


def _curie(term: URIRef) -> str:
    return "biolink:" + term[len(str(BIOLINK)) :] if term.startswith(str(BIOLINK)) else str(term)


def summarize(graph: Graph) -> Summary:
    """Count nodes by Biolink category and associations by class."""
    associations: Counter[str] = Counter()
    nodes: Counter[str] = Counter()
    association_nodes = set(graph.subjects(RDF.predicate, None))
    for node, cls in graph.subject_objects(RDF.type):
        if not isinstance(cls, URIRef) or not cls.startswith(str(BIOLINK)):
            continue
        (associations if node in association_nodes else nodes)[_curie(cls)] += 1
    located = {
        o
        for s, o in graph.subject_objects(RDF.object)
        if (s, RDF.predicate, BIOLINK.disease_has_location) in graph
    }
    return Summary(
        triples=len(graph),
        nodes_by_category=MappingProxyType(dict(sorted(nodes.items()))),
        associations_by_type=MappingProxyType(dict(sorted(associations.items()))),
        phenotype_associations=associations["biolink:DiseaseToPhenotypicFeatureAssociation"],
        publications=nodes["biolink:Publication"],
        organs=len(located),
    )
