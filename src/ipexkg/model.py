"""The data model: node categories and the kinds of fact the curated tables may state.

Slot and class names are those of the Biolink model 4.4.6 schema (a test checks each one against
``biolink_model.yaml``); relations Biolink lacks are ``ipex:`` terms of ``ontology/ipex.ttl``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType

__all__ = [
    "ASSOCIATION_KINDS",
    "ATTRIBUTE_TYPE_ROOTS",
    "CHECKABLE_SOURCES",
    "COUNT_CLASSES",
    "FREQUENCY_TERMS",
    "KB_RECORD_PREFIXES",
    "LITERAL_PREDICATES",
    "NODE_CATEGORIES",
    "PUBLICATION_CATEGORIES",
    "PUBLICATION_TYPES",
    "STATEMENT_CLASS",
    "SYMMETRIC_PREDICATES",
    "XREF_PREDICATES",
    "frequency_term_for",
    "frequency_term_for_percentage",
]

NODE_CATEGORIES = frozenset(
    {
        "biolink:Disease",
        "biolink:Gene",
        "biolink:Protein",
        "biolink:Cell",
        "biolink:PhenotypicFeature",
        "biolink:GrossAnatomicalStructure",
        "biolink:AnatomicalEntity",
        "biolink:Treatment",
        "biolink:SmallMolecule",
        "biolink:ChemicalEntity",
        "biolink:OrganismTaxon",
        "biolink:GeneticInheritance",
        "biolink:Onset",
        "biolink:Attribute",
        "biolink:EvidenceType",
    }
)

PUBLICATION_CATEGORIES = frozenset(
    {"biolink:Article", "biolink:BookChapter", "biolink:WebPage", "biolink:Publication"}
)

#: publication category -> its FaBiO type (Biolink requires publication_type, values from fabio;
#: the IRIs are checked in docs/verification/lookups.md)
PUBLICATION_TYPES = MappingProxyType(
    {
        "biolink:Article": "fabio:JournalArticle",
        "biolink:BookChapter": "fabio:BookChapter",
        "biolink:WebPage": "fabio:WebPage",
    }
)

#: predicate -> (association class, allowed subject categories, allowed object categories)
ASSOCIATION_KINDS: MappingProxyType[str, tuple[str, frozenset[str], frozenset[str]]] = (
    MappingProxyType(
        {
            "biolink:has_phenotype": (
                "biolink:DiseaseToPhenotypicFeatureAssociation",
                frozenset({"biolink:Disease"}),
                frozenset({"biolink:PhenotypicFeature"}),
            ),
            "biolink:disease_has_location": (
                "biolink:DiseaseOrPhenotypicFeatureToLocationAssociation",
                frozenset({"biolink:PhenotypicFeature", "biolink:Disease"}),
                frozenset({"biolink:GrossAnatomicalStructure", "biolink:AnatomicalEntity"}),
            ),
            "biolink:causes": (
                "biolink:CausalGeneToDiseaseAssociation",
                frozenset({"biolink:Gene"}),
                frozenset({"biolink:Disease"}),
            ),
            # Biolink 4.4.6 limits GeneToDiseaseAssociation to GeneToDiseasePredicateEnum
            # (contributes_to, associated_with, affects): no class takes this predicate
            "biolink:gene_associated_with_condition": (
                "biolink:Association",
                frozenset({"biolink:Gene"}),
                frozenset({"biolink:Disease"}),
            ),
            "biolink:has_mode_of_inheritance": (
                "biolink:DiseaseOrPhenotypicFeatureToGeneticInheritanceAssociation",
                frozenset({"biolink:Disease"}),
                frozenset({"biolink:GeneticInheritance"}),
            ),
            # not Biolink predicates: a plain reified statement, never a Biolink association
            "ipex:has_onset": (
                "rdf:Statement",
                frozenset({"biolink:Disease"}),
                frozenset({"biolink:Onset"}),
            ),
            "biolink:expressed_in": (
                "biolink:GeneToExpressionSiteAssociation",
                frozenset({"biolink:Gene", "biolink:Protein"}),
                frozenset({"biolink:Cell", "biolink:AnatomicalEntity"}),
            ),
            "ipex:required_for": (
                "rdf:Statement",
                frozenset({"biolink:Gene", "biolink:Protein"}),
                frozenset({"biolink:Cell"}),
            ),
            "biolink:disease_has_basis_in": (
                "biolink:Association",
                frozenset({"biolink:Disease"}),
                frozenset({"biolink:Cell"}),
            ),
            "biolink:contributes_to": (
                "biolink:Association",
                frozenset({"biolink:Cell", "biolink:PhenotypicFeature", "biolink:Gene"}),
                frozenset({"biolink:PhenotypicFeature", "biolink:Disease"}),
            ),
            "biolink:treats": (
                "biolink:ChemicalOrDrugOrTreatmentToDiseaseOrPhenotypicFeatureAssociation",
                frozenset({"biolink:Treatment", "biolink:SmallMolecule", "biolink:ChemicalEntity"}),
                frozenset({"biolink:Disease", "biolink:PhenotypicFeature"}),
            ),
            "biolink:applied_to_treat": (
                "biolink:ChemicalOrDrugOrTreatmentToDiseaseOrPhenotypicFeatureAssociation",
                frozenset({"biolink:Treatment", "biolink:SmallMolecule", "biolink:ChemicalEntity"}),
                frozenset({"biolink:Disease", "biolink:PhenotypicFeature"}),
            ),
            "biolink:model_of": (
                "biolink:GeneAsAModelOfDiseaseAssociation",
                frozenset({"biolink:Gene"}),
                frozenset({"biolink:Disease"}),
            ),
            "biolink:orthologous_to": (
                "biolink:GeneToGeneHomologyAssociation",
                frozenset({"biolink:Gene"}),
                frozenset({"biolink:Gene"}),
            ),
            "biolink:has_gene_product": (
                "biolink:GeneToGeneProductRelationship",
                frozenset({"biolink:Gene"}),
                frozenset({"biolink:Protein"}),
            ),
            "biolink:similar_to": (
                "biolink:Association",
                frozenset({"biolink:Disease"}),
                frozenset({"biolink:Disease"}),
            ),
        }
    )
)

#: the class of a fact whose predicate is not a Biolink predicate, or whose object is text: a plain
#: reified statement, so that no Biolink association states a relation Biolink does not have
STATEMENT_CLASS = "rdf:Statement"

#: association classes that Biolink 4.4.6 gives has_count, has_total and has_percentage (through
#: the frequency quantifier mixin); other classes carry the numbers as ipex:has_count, …
COUNT_CLASSES = frozenset({"biolink:DiseaseToPhenotypicFeatureAssociation"})

#: the HPO classes (hp.obo names: Onset, Frequency) a biolink:Attribute or biolink:Onset node of
#: HPO lies under; Biolink requires has_attribute_type on attributes and takes it from these
ATTRIBUTE_TYPE_ROOTS = ("HP:0003674", "HP:0040279")

#: predicates whose object is text (statements.tsv)
LITERAL_PREDICATES = frozenset(
    {
        "oboInOwl:hasExactSynonym",
        "oboInOwl:hasRelatedSynonym",
        "oboInOwl:hasBroadSynonym",
        "oboInOwl:hasNarrowSynonym",
        "biolink:full_name",
        "ipex:prevalence",
        "ipex:prognosis",
        "ipex:diagnostic_criterion",
        "ipex:cytogenetic_location",
        "ipex:genomic_coordinates",
        "ipex:gene_function",
        "ipex:inheritance_note",
        "ipex:onset_note",
        "ipex:model_phenotype",
        "ipex:genetic_note",
        "ipex:sequence_length",
        "ipex:genetic_map_position",
    }
)

XREF_PREDICATES = frozenset({"skos:exactMatch", "skos:relatedMatch", "oboInOwl:hasDbXref"})

#: prefixes of knowledge-base records that may stand as the source of a fact
KB_RECORD_PREFIXES = frozenset({"Orphanet", "OMIM", "MONDO", "HP"})

#: HPO frequency terms with their inclusive percentage ranges (HPO definitions, dossier A7)
FREQUENCY_TERMS: MappingProxyType[str, tuple[float, float]] = MappingProxyType(
    {
        "HP:0040280": (100.0, 100.0),
        "HP:0040281": (80.0, 99.0),
        "HP:0040282": (30.0, 79.0),
        "HP:0040283": (5.0, 29.0),
        "HP:0040284": (1.0, 4.0),
        "HP:0040285": (0.0, 0.0),
    }
)


def frequency_term_for_percentage(percentage: Decimal) -> str | None:
    """Return the HPO frequency term whose range holds ``percentage``, or None outside 0-100.

    HPO's ranges are whole percentages and leave gaps (e.g. 99.5 %), so the percentage is rounded
    to a whole number first, halves upwards as SPARQL's ROUND does, so that the QC query
    ``frequency-contradicts-fraction-violation`` and this function always agree.
    """
    whole = percentage.quantize(Decimal(1), ROUND_HALF_UP)
    for term, (low, high) in FREQUENCY_TERMS.items():
        if low <= whole <= high:
            return term
    return None


def frequency_term_for(count: int, total: int) -> str | None:
    """Return the HPO frequency term whose range holds ``count/total``, or None between ranges."""
    if total <= 0 or not 0 <= count <= total:
        return None
    return frequency_term_for_percentage(Decimal(100 * count) / Decimal(total))


#: id prefix -> the verification keys (a pinned file at a commit; README lists them) that can show
#: such an id exists with its label; ``verified_in`` of such a node must name one, or a URL
CHECKABLE_SOURCES: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "MONDO": frozenset({"MONDO-MAP", "MONDO-GARD", "MONDO-HGNC"}),
        "UBERON": frozenset({"UBERON"}),
        "CL": frozenset({"CL"}),
    }
)

#: relations for which A-B and B-A may both be stated; every other relation is acyclic
SYMMETRIC_PREDICATES = frozenset(
    {"biolink:similar_to", "biolink:orthologous_to", "skos:exactMatch", "oboInOwl:hasDbXref"}
)
