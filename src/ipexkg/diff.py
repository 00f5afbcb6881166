"""Diff: a semantic changelog between two builds or releases, fact by fact.

A fact is an association node (a subject of ``rdf:predicate``). Its IRI is a hash of its curated
table and key, so the same fact has the same IRI in every build: facts whose IRI appears only in
the new graph are *added*, only in the old one *removed*, and in both with a different property
(a qualifier, a count, a source, the class...) *changed*, property by property. The changelog is
written as Markdown (for people) and TSV (for programs); both are sorted, so the same two graphs
always give the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from ipexkg.errors import InputError
from ipexkg.jsonld import compact_iri

__all__ = [
    "CHANGES_MD",
    "CHANGES_TSV",
    "Change",
    "Changelog",
    "changelog_markdown",
    "changelog_tsv",
    "diff_graphs",
    "read_graph",
]

CHANGES_MD = "ipexkg.changes.md"
CHANGES_TSV = "ipexkg.changes.tsv"
_TSV_COLUMNS = ("change", "association", "subject", "predicate", "object", "property", "old", "new")
#: a release folder is read through its sorted N-Triples file
_RELEASE_GRAPH = "ipexkg.nt"


@dataclass(frozen=True)
class Change:
    """One change of one fact: ``added``, ``removed`` or ``changed`` (one property)."""

    kind: str
    association: str
    subject: str
    predicate: str
    object: str
    property: str = ""
    old: tuple[str, ...] = ()
    new: tuple[str, ...] = ()


@dataclass(frozen=True)
class Changelog:
    """The changes between two graphs, sorted; and how many facts each graph has."""

    changes: tuple[Change, ...]
    old_facts: int
    new_facts: int

    def count(self, kind: str) -> int:
        """Return the number of facts added or removed, or of (fact, property) pairs changed."""
        return sum(1 for c in self.changes if c.kind == kind)


def read_graph(path: Path | str) -> Graph:
    """Read a build or release: a folder (its ``ipexkg.nt``) or any RDF file the package reads.

    :raises InputError: for a missing or unreadable file
    """
    from ipexkg.rdfio import read_rdf

    source = Path(path)
    if source.is_dir():
        source = source / _RELEASE_GRAPH
        if not source.exists():
            raise InputError(f"{path}: a release folder needs {_RELEASE_GRAPH}; none found")
    graph = Graph()
    for triple in read_rdf(source).triples((None, None, None)):
        graph.add(triple)
    return graph


def _text(term: Node) -> str:
    if isinstance(term, URIRef):
        return compact_iri(str(term))
    if isinstance(term, Literal):
        return f"{term}@{term.language}" if term.language else str(term)
    return str(term)


def _facts(graph: Graph) -> dict[URIRef, dict[str, tuple[str, ...]]]:
    facts: dict[URIRef, dict[str, set[str]]] = {}
    for node in graph.subjects(RDF.predicate, None):
        if not isinstance(node, URIRef) or node in facts:
            continue
        properties: dict[str, set[str]] = {}
        for p, o in graph.predicate_objects(node):
            properties.setdefault(_text(p), set()).add(_text(o))
        facts[node] = properties
    return {node: {p: tuple(sorted(v)) for p, v in props.items()} for node, props in facts.items()}


_RDF_S, _RDF_P, _RDF_O = (_text(t) for t in (RDF.subject, RDF.predicate, RDF.object))


def _change(
    kind: str, node: URIRef, props: Mapping[str, tuple[str, ...]], **rest: object
) -> Change:
    def one(key: str) -> str:
        return "|".join(props.get(key, ()))

    return Change(kind, _text(node), one(_RDF_S), one(_RDF_P), one(_RDF_O), **rest)  # type: ignore[arg-type]


def diff_graphs(old: Graph, new: Graph) -> Changelog:
    """Return the facts added, removed and changed from ``old`` to ``new``."""
    before, after = _facts(old), _facts(new)
    changes: list[Change] = []
    for node in after.keys() - before.keys():
        changes.append(_change("added", node, after[node]))
    for node in before.keys() - after.keys():
        changes.append(_change("removed", node, before[node]))
    for node in after.keys() & before.keys():
        for prop in sorted(before[node].keys() | after[node].keys()):
            old_values, new_values = before[node].get(prop, ()), after[node].get(prop, ())
            if old_values != new_values:
                changes.append(
                    _change(
                        "changed", node, after[node], property=prop, old=old_values, new=new_values
                    )
                )
    order = {"added": 0, "removed": 1, "changed": 2}
    changes.sort(
        key=lambda c: (order[c.kind], c.subject, c.predicate, c.object, c.association, c.property)
    )
    return Changelog(tuple(changes), len(before), len(after))


def _cell(text: str) -> str:
    return text.replace("\t", " ").replace("\n", " ")


def changelog_tsv(log: Changelog) -> str:
    """Return the changelog as TSV: one row per added or removed fact, per changed property."""
    lines = ["\t".join(_TSV_COLUMNS)]
    for c in log.changes:
        cells = (c.kind, c.association, c.subject, c.predicate, c.object, c.property)
        lines.append(
            "\t".join((*map(_cell, cells), _cell("|".join(c.old)), _cell("|".join(c.new))))
        )
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_rows(changes: Iterable[Change], changed: bool) -> list[str]:
    if changed:
        head = ["| fact | property | old | new |", "|---|---|---|---|"]
        rows = [
            f"| {_md(c.subject)} {_md(c.predicate)} {_md(c.object)} (`{c.association}`) "
            f"| {_md(c.property)} | {_md(', '.join(c.old)) or '-'} "
            f"| {_md(', '.join(c.new)) or '-'} |"
            for c in changes
        ]
    else:
        head = ["| subject | predicate | object | association |", "|---|---|---|---|"]
        rows = [
            f"| {_md(c.subject)} | {_md(c.predicate)} | {_md(c.object)} | `{c.association}` |"
            for c in changes
        ]
    return head + rows


def changelog_markdown(log: Changelog, old_name: str, new_name: str) -> str:
    """Return the changelog as Markdown: a summary, then the facts added, removed and changed."""
    changed_facts = len({c.association for c in log.changes if c.kind == "changed"})
    lines = [
        f"# Changes from {old_name} to {new_name}",
        "",
        f"Facts: {log.old_facts} before, {log.new_facts} after. "
        f"Added {log.count('added')}, removed {log.count('removed')}, "
        f"changed {changed_facts} ({log.count('changed')} property changes).",
        "Facts are matched by their association IRI (a hash of the curated table and key).",
    ]
    for kind, title in (("added", "Added"), ("removed", "Removed"), ("changed", "Changed")):
        group = [c for c in log.changes if c.kind == kind]
        if group:
            lines += ["", f"## {title} ({len(group)})", "", *_md_rows(group, kind == "changed")]
    return "\n".join(lines) + "\n"
