"""Namespaces: the package's own vocabulary (closed) and the prefixes bound in every output."""

from __future__ import annotations

from types import MappingProxyType

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD, DefinedNamespace

from ipexkg.identifiers import prefix_map

__all__ = [
    "BIOLINK",
    "IPEX",
    "IPEXKG",
    "OBOINOWL",
    "PAV",
    "PREFIXES",
    "bind",
    "curie_term",
]


class IPEX(DefinedNamespace):
    """The ipexkg vocabulary (``ontology/ipex.ttl``): terms Biolink, RO and dcterms lack."""

    _fail = True
    _NS = Namespace("https://w3id.org/ipexkg/vocab/")

    has_onset: URIRef
    required_for: URIRef
    has_count: URIRef
    has_total: URIRef
    has_percentage: URIRef
    prevalence: URIRef
    prognosis: URIRef
    diagnostic_criterion: URIRef
    cytogenetic_location: URIRef
    genomic_coordinates: URIRef
    gene_function: URIRef
    inheritance_note: URIRef
    onset_note: URIRef
    model_phenotype: URIRef
    frequency_text: URIRef
    genetic_note: URIRef
    sequence_length: URIRef
    genetic_map_position: URIRef
    information_content: URIRef
    phenotype_information_content: URIRef


BIOLINK = Namespace("https://w3id.org/biolink/vocab/")
IPEXKG = Namespace("https://w3id.org/ipexkg/")
OBOINOWL = Namespace("http://www.geneontology.org/formats/oboInOwl#")
PAV = Namespace("http://purl.org/pav/")

_BOUND = (
    "biolink",
    "ipex",
    "ipexkg",
    "infores",
    "oboInOwl",
    "pav",
    "semapv",
    "fabio",
    "MONDO",
    "HP",
    "CL",
    "UBERON",
    "ECO",
    "MAXO",
    "CHEBI",
    "NCBITaxon",
    "HGNC",
    "NCBIGene",
    "ENSEMBL",
    "UniProtKB",
    "MGI",
    "OMIM",
    "Orphanet",
    "DOID",
    "NCIT",
    "UMLS",
    "MESH",
    "medgen",
    "SNOMEDCT",
    "GARD",
    "PMID",
    "doi",
)


def _prefixes() -> dict[str, Namespace]:
    known = prefix_map().prefixes
    out = {
        "rdf": Namespace(str(RDF)),
        "rdfs": Namespace(str(RDFS)),
        "owl": Namespace(str(OWL)),
        "xsd": Namespace(str(XSD)),
        "skos": Namespace(str(SKOS)),
        "dcterms": Namespace(str(DCTERMS)),
    }
    out.update({p: Namespace(known[p]) for p in _BOUND})
    return out


#: the prefixes bound in every graph the package writes (and no others)
PREFIXES: MappingProxyType[str, Namespace] = MappingProxyType(_prefixes())


def bind(graph: Graph) -> Graph:
    """Bind exactly :data:`PREFIXES` on ``graph`` and return it."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def curie_term(curie: str) -> URIRef:
    """Return the IRI of a vocabulary CURIE such as ``biolink:has_phenotype``."""
    prefix, _, local = curie.partition(":")
    return URIRef(PREFIXES[prefix] + local)
