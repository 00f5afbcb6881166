"""Completeness: every HPO annotation row of IPEX is in the graph or explicitly excluded."""

from __future__ import annotations

import pytest

from ipexkg.curation import Dataset
from ipexkg.hpo import HpoAnnotation, hpo_annotations
from ipexkg.identifiers import normalize_curie
from ipexkg.model import frequency_term_for

ROWS = hpo_annotations("OMIM:304790", "ORPHA:37042")


def _represented(ann: HpoAnnotation, ds: Dataset) -> bool:
    refs = {normalize_curie(r) for r in ann.reference}
    disease = "MONDO:0010580"
    if ann.aspect == "P":
        for row in ds.rows("phenotypes"):
            if row["subject"] != disease or row["object"] != ann.hpo_id:
                continue
            if set(row.values("source")) != refs:
                continue
            if "/" in ann.frequency:
                count, total = ann.frequency.split("/")
                if (row["has_count"], row["has_total"]) != (count, total):
                    continue
                if row["frequency"] and row["frequency"] != frequency_term_for(
                    int(count), int(total)
                ):
                    continue
            elif ann.frequency:
                if row["frequency"] != ann.frequency:
                    continue
            elif row["frequency"] or row["has_count"]:
                continue
            if (ann.onset or "") != row["onset"]:
                continue
            return True
        return False
    predicate = {"I": "biolink:has_mode_of_inheritance", "C": "ipex:has_onset"}[ann.aspect]
    return any(
        row["subject"] == disease
        and row["predicate"] == predicate
        and row["object"] == ann.hpo_id
        and refs <= set(row.values("source"))
        for row in ds.rows("associations")
    )


def _excluded(ann: HpoAnnotation, ds: Dataset) -> bool:
    return any(
        row["database_id"] == ann.database_id
        and row["hpo_id"] == ann.hpo_id
        and row["reference"] == ";".join(ann.reference)
        for row in ds.rows("hpoa_exclusions")
    )


def test_hpoa_has_the_expected_rows() -> None:
    assert sum(1 for a in ROWS if a.database_id == "OMIM:304790") == 31
    assert sum(1 for a in ROWS if a.database_id == "ORPHA:37042") == 60


@pytest.mark.parametrize(
    "ann",
    ROWS,
    ids=[
        f"{a.database_id}-{a.hpo_id}-{'+'.join(a.reference)}-{a.frequency or 'nofreq'}"
        for a in ROWS
    ],
)
def test_every_hpoa_row_is_represented_or_excluded(ann: HpoAnnotation, dataset: Dataset) -> None:
    assert _represented(ann, dataset) or _excluded(ann, dataset), (
        f"{ann.database_id} {ann.hpo_id} ({'; '.join(ann.reference)}, {ann.frequency}) is neither "
        "in the curated tables nor in data/hpoa_exclusions.tsv"
    )


def test_exclusions_name_real_rows_and_give_a_reason(dataset: Dataset) -> None:
    keys = {(a.database_id, a.hpo_id, ";".join(a.reference)) for a in ROWS}
    for row in dataset.rows("hpoa_exclusions"):
        assert (row["database_id"], row["hpo_id"], row["reference"]) in keys, row.line
        assert len(row["reason"]) > 15, row.line
