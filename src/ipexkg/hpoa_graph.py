"""HPO annotations as a graph: phenotype.hpoa rows of any disease turned into the package's model.

Each convertible row becomes what a curated fact becomes in :mod:`ipexkg.build`: the direct triple
(left out when the row is negated) and an association node with ``rdf:subject``/``rdf:predicate``/
``rdf:object``, its sources and publications, evidence (ECO), knowledge source (infores), knowledge
level, agent type and the frequency, onset, sex and modifier qualifiers the row gives. Disease and
HPO nodes get their Biolink category and label (HPO labels from ``hp.obo``). Association IRIs are a
hash of the row under ``https://w3id.org/ipexkg/hpoa/association/``, apart from the curated graph's
``association/`` namespace, so the two never collide when loaded together.

The same statements come as rdflib triples (:func:`hpoa_triples`, :func:`convert_hpoa`) or as
N-Triples lines (:func:`hpoa_ntriples`), which is several times faster for the whole file
(271,702 annotation rows, about 3.6 million triples) and loads straight into a triple store;
:func:`hpoa_ntriples_blocks` gives the same lines one block per row, for a bulk writer.
Rows this model has no place for are skipped; :func:`hpoa_row_problem` says why.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache
from typing import NamedTuple

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD
from rdflib.term import Node

from ipexkg.hpo import HpoAnnotation, hpo_descendants, hpo_terms
from ipexkg.identifiers import prefix_map
from ipexkg.model import FREQUENCY_TERMS, frequency_term_for, frequency_term_for_percentage
from ipexkg.namespaces import BIOLINK, IPEX, IPEXKG, PAV, bind

__all__ = [
    "HPOA_ASSOCIATION",
    "Triple",
    "convert_hpoa",
    "hpoa_association_iri",
    "hpoa_ntriples",
    "hpoa_ntriples_blocks",
    "hpoa_row_problem",
    "hpoa_triples",
]

Triple = tuple[URIRef, URIRef, Node]

#: namespace of the association nodes minted for HPO annotation rows
HPOA_ASSOCIATION = IPEXKG["hpoa/association/"]

#: HPO evidence codes -> ECO (dossier A8: PCS, TAS; IEA as gaf-eco-mapping.txt maps it)
_EVIDENCE = {"PCS": "ECO:0006017", "TAS": "ECO:0000304", "IEA": "ECO:0007669"}
#: sex column -> PATO (as in Monarch's phenotype ingest)
_SEX = {"MALE": "PATO:0000384", "FEMALE": "PATO:0000383"}
#: prefix of a disease record -> the knowledge base's infores id
_RECORD_SOURCE = {"OMIM": "infores:omim", "ORPHA": "infores:orphanet"}
_RECORD_PREFIXES = ("OMIM", "ORPHA", "DECIPHER")
_CURATED_BY_HPO = "infores:hpo-annotations"
#: reference prefixes spelt differently in phenotype.hpoa and the Biolink prefix map
_REFERENCE_PREFIX = {"ISBN-13": "isbn", "ISBN-10": "isbn", "ISBN": "isbn"}
_ONSET_ROOT = "HP:0003674"
_FRACTION = re.compile(r"^(\d+)/(\d+)$")
_PERCENT = re.compile(r"^(\d+(?:\.\d+)?)%$")
_DATE = re.compile(r"\[(\d{4}-\d{2}-\d{2})\]")
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')

_TYPE = str(RDF.type)
_LABEL = str(RDFS.label)
_SUBJECT, _PREDICATE, _OBJECT = str(RDF.subject), str(RDF.predicate), str(RDF.object)
_SOURCE = str(DCTERMS.source)
_CURATED_ON = str(PAV.curatedOn)
_XSD_INTEGER, _XSD_DECIMAL = str(XSD.integer), str(XSD.decimal)
_XSD_DATE, _XSD_BOOLEAN = str(XSD.date), str(XSD.boolean)
_B = str(BIOLINK)

#: aspect -> (association class, predicate, category of the object)
_ASPECTS = {
    "P": (
        _B + "DiseaseToPhenotypicFeatureAssociation",
        _B + "has_phenotype",
        _B + "PhenotypicFeature",
    ),
    "I": (
        _B + "DiseaseOrPhenotypicFeatureToGeneticInheritanceAssociation",
        _B + "has_mode_of_inheritance",
        _B + "GeneticInheritance",
    ),
    "C": (_B + "Association", str(IPEX.has_onset), _B + "Onset"),
}


class _Lit(NamedTuple):
    lexical: str
    datatype: str | None = None
    lang: str | None = None


_Statement = tuple[str, str, "str | _Lit"]

_KNOWLEDGE_LEVEL = _Lit("knowledge_assertion")
_MANUAL = _Lit("manual_agent")
_AUTOMATED = _Lit("automated_agent")
_TRUE = _Lit("true", _XSD_BOOLEAN)


@cache
def _iri(curie: str) -> str | None:
    # The prefix map looked up directly: ``identifiers.expand`` goes through ``curies``, which
    # costs about 0.3 ms a call, too slow for the 10^5 distinct identifiers of phenotype.hpoa.
    if curie.startswith(("http://", "https://")):
        iri: str | None = curie
    else:
        prefix, sep, local = curie.partition(":")
        if not sep or not local:
            return None
        pm = prefix_map()
        prefix = _REFERENCE_PREFIX.get(prefix, prefix)
        uri_prefix = pm.prefixes.get(pm.synonyms.get(prefix, prefix))
        iri = uri_prefix + local if uri_prefix else None
    return iri if iri and not _NOT_IN_IRI.search(iri) else None


def _expand(curie: str) -> str:
    iri = _iri(curie)
    if iri is None:
        raise ValueError(f"{curie!r}: unknown prefix")
    return iri


@lru_cache(maxsize=1)
def _onset_terms() -> frozenset[str]:
    return hpo_descendants(_ONSET_ROOT)


@lru_cache(maxsize=1)
def _frequency_iris() -> dict[str, str]:
    return {_expand(term): term for term in FREQUENCY_TERMS}


def hpoa_row_problem(row: HpoAnnotation) -> str | None:
    """Return why ``row`` cannot be converted, or None when it can."""
    if row.aspect not in _ASPECTS:
        return f"aspect {row.aspect}: no association of this kind in the model"
    if row.aspect == "C" and row.hpo_id not in _onset_terms():
        return "aspect C term that is not an onset: no association of this kind in the model"
    if _iri(row.database_id) is None:
        return f"disease id prefix {row.database_id.split(':')[0]!r} is not in the prefix map"
    if row.hpo_id not in hpo_terms():
        return f"{row.hpo_id} is not in hp.obo"
    if row.evidence not in _EVIDENCE:
        return f"evidence code {row.evidence!r} has no ECO mapping"
    if not any(_iri(ref) for ref in row.reference):
        return "no reference with a known prefix"
    return None


def _association_key(row: HpoAnnotation) -> str:
    return "\x1f".join(
        (
            row.database_id,
            row.qualifier,
            row.hpo_id,
            ";".join(row.reference),
            row.evidence,
            row.onset,
            row.frequency,
            row.sex,
            row.modifier,
            row.aspect,
        )
    )


def _association_iri(row: HpoAnnotation) -> str:
    digest = hashlib.sha256(_association_key(row).encode("utf-8")).hexdigest()[:20]
    return HPOA_ASSOCIATION + digest


def hpoa_association_iri(row: HpoAnnotation) -> URIRef:
    """Return the content-hash IRI of an annotation row (every column but the curation log)."""
    return URIRef(_association_iri(row))


def _percentage(value: Decimal) -> _Lit:
    return _Lit(str(value.quantize(Decimal("0.1"), ROUND_HALF_UP)), _XSD_DECIMAL)


_HAS_COUNT, _HAS_TOTAL, _HAS_PERCENTAGE = (
    _B + x for x in ("has_count", "has_total", "has_percentage")
)
_FREQUENCY_QUALIFIER, _ONSET_QUALIFIER = _B + "frequency_qualifier", _B + "onset_qualifier"


def _frequency(out: list[_Statement], node: str, text: str) -> None:
    term: str | None = None
    fraction = _FRACTION.match(text)
    percent = _PERCENT.match(text)
    if text.startswith("HP:"):
        term = text
    elif fraction:
        count, total = int(fraction.group(1)), int(fraction.group(2))
        if 0 <= count <= total and total > 0:
            out.append((node, _HAS_COUNT, _Lit(str(count), _XSD_INTEGER)))
            out.append((node, _HAS_TOTAL, _Lit(str(total), _XSD_INTEGER)))
            out.append((node, _HAS_PERCENTAGE, _percentage(Decimal(100 * count) / total)))
            term = frequency_term_for(count, total)
    elif percent:
        value = Decimal(percent.group(1))
        out.append((node, _HAS_PERCENTAGE, _Lit(str(value), _XSD_DECIMAL)))
        term = frequency_term_for_percentage(value)
    if term:
        out.append((node, _FREQUENCY_QUALIFIER, _expand(term)))


def _association(row: HpoAnnotation, disease: str, aggregator: str | None) -> list[_Statement]:
    cls, predicate, _ = _ASPECTS[row.aspect]
    term = _expand(row.hpo_id)
    node = _association_iri(row)
    negated = row.qualifier == "NOT"
    out: list[_Statement] = [] if negated else [(disease, predicate, term)]
    out += [
        (node, _TYPE, cls),
        (node, _SUBJECT, disease),
        (node, _PREDICATE, predicate),
        (node, _OBJECT, term),
    ]
    if negated:
        out.append((node, _B + "negated", _TRUE))
    has_publication = False
    for ref in row.reference:
        iri = _iri(ref)
        if iri is None:
            continue
        out.append((node, _SOURCE, iri))
        if ref.split(":", 1)[0] not in _RECORD_PREFIXES:
            has_publication = True
            out.append((node, _B + "publications", iri))
    record_source = _RECORD_SOURCE.get(row.database_id.split(":", 1)[0])
    source = _CURATED_BY_HPO if has_publication or record_source is None else record_source
    out += [
        (node, _B + "has_evidence", _expand(_EVIDENCE[row.evidence])),
        (node, _B + "primary_knowledge_source", _expand(source)),
        (node, _B + "knowledge_level", _KNOWLEDGE_LEVEL),
        (node, _B + "agent_type", _AUTOMATED if row.evidence == "IEA" else _MANUAL),
    ]
    dates = _DATE.findall(row.biocuration)
    if dates:
        out.append((node, _CURATED_ON, _Lit(max(dates), _XSD_DATE)))
    if row.frequency:
        _frequency(out, node, row.frequency)
    if row.onset:
        out.append((node, _ONSET_QUALIFIER, _expand(row.onset)))
    if row.sex.upper() in _SEX:
        out.append((node, _B + "sex_qualifier", _expand(_SEX[row.sex.upper()])))
    for modifier in filter(None, row.modifier.split(";")):
        out.append((node, _B + "qualifiers", _expand(modifier)))
    if aggregator is not None:
        out.append((node, _B + "aggregator_knowledge_source", aggregator))
    return out


def _statements(
    rows: Iterable[HpoAnnotation], aggregator: str | None = None
) -> Iterator[list[_Statement]]:
    """Yield the statements of each convertible row (with those of its nodes, once each).

    :param aggregator: the IRI of an aggregator knowledge source every association gets
    """
    terms = hpo_terms()
    frequency_iris = _frequency_iris()
    typed: set[tuple[str, str]] = set()
    diseases: set[tuple[str, str]] = set()

    def term_node(out: list[_Statement], curie: str, category: str) -> None:
        if (curie, category) not in typed:
            typed.add((curie, category))
            iri = _expand(curie)
            out.append((iri, _TYPE, category))
            out.append((iri, _LABEL, _Lit(terms[curie].name, lang="en")))

    for row in rows:
        if hpoa_row_problem(row) is not None:
            continue
        disease = _expand(row.database_id)
        out: list[_Statement] = []
        if (disease, row.disease_name) not in diseases:
            diseases.add((disease, row.disease_name))
            out.append((disease, _TYPE, _B + "Disease"))
            out.append((disease, _LABEL, _Lit(row.disease_name, lang="en")))
        term_node(out, row.hpo_id, _ASPECTS[row.aspect][2])
        association = _association(row, disease, aggregator)
        out += association
        for _, predicate, obj in association:
            if predicate == _FREQUENCY_QUALIFIER:
                term_node(out, frequency_iris[str(obj)], _B + "Attribute")
            elif predicate == _ONSET_QUALIFIER and row.onset in terms:
                term_node(out, row.onset, _B + "Onset")
        yield out


def _term(obj: str | _Lit) -> Node:
    if isinstance(obj, _Lit):
        datatype = URIRef(obj.datatype) if obj.datatype else None
        return Literal(obj.lexical, datatype=datatype, lang=obj.lang)
    return URIRef(obj)


def hpoa_triples(rows: Iterable[HpoAnnotation]) -> Iterator[Triple]:
    """Yield the rdflib triples of every convertible row (each node's own triples once).

    Rows that :func:`hpoa_row_problem` rejects are left out.
    """
    for statements in _statements(rows):
        for s, p, o in statements:
            yield URIRef(s), URIRef(p), _term(o)


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _nt(obj: str | _Lit) -> str:
    if not isinstance(obj, _Lit):
        return f"<{obj}>"
    text = f'"{obj.lexical.translate(_ESCAPES)}"'
    if obj.lang:
        return f"{text}@{obj.lang}"
    return f"{text}^^<{obj.datatype}>" if obj.datatype else text


def hpoa_ntriples_blocks(
    rows: Iterable[HpoAnnotation], *, aggregator: str | None = None
) -> Iterator[str]:
    """Yield the statements of :func:`hpoa_triples` as N-Triples, one block of lines (each
    ending in a newline) per convertible row: a writer makes one call per row, not per triple.

    :param aggregator: the IRI of an aggregator knowledge source every association gets
        (``biolink:aggregator_knowledge_source``), as ``ipexkg integrate hpo`` records HPO
    """
    written: dict[str | _Lit, str] = {}  # predicates and objects recur: each written once

    def term(obj: str | _Lit) -> str:
        text = written.get(obj)
        if text is None:
            text = written[obj] = _nt(obj)
        return text

    for statements in _statements(rows, aggregator):
        yield "".join([f"<{s}> {term(p)} {term(o)} .\n" for s, p, o in statements])


def hpoa_ntriples(rows: Iterable[HpoAnnotation]) -> Iterator[str]:
    """Yield the same statements as :func:`hpoa_triples` as N-Triples lines (no newline)."""
    for block in hpoa_ntriples_blocks(rows):
        yield from block.split("\n")[:-1]  # N-Triples escapes every newline of a literal


def convert_hpoa(rows: Iterable[HpoAnnotation]) -> Graph:
    """Return the graph of the convertible ``rows`` (with the package's prefixes bound)."""
    graph = bind(Graph(bind_namespaces="core"))
    for triple in hpoa_triples(rows):
        graph.add(triple)
    return graph
