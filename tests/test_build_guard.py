"""'ipexkg build' on tables that pass lint but make a non-conforming graph: nothing written."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ipexkg.cli import main


def _cited_publication_dated_2030(data: Path) -> str:
    """Date a cited publication after every curation date: lint allows the year, the QC does not."""
    path = data / "publications.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header, rows = list(reader.fieldnames or ()), list(reader)
    row = next(r for r in rows if r["id"] == "PMID:12161590")
    row["year"] = "2030"
    lines = ["\t".join(header), *("\t".join(r[c] for c in header) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return row["id"]


def test_a_non_conforming_graph_writes_nothing(
    data_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pmid = _cited_publication_dated_2030(data_copy)
    assert main(["lint", "--check", "--data", str(data_copy)]) == 0, capsys.readouterr().err
    capsys.readouterr()
    out = tmp_path / "release"
    code = main(["build", "--data", str(data_copy), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "the graph does not conform; nothing was written" in err
    assert "publication-after-curation-violation" in err
    assert pmid in err
    assert "Traceback" not in err
    assert not out.exists() or not any(out.iterdir())


def test_the_same_tables_without_the_defect_are_written(
    data_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "release"
    assert main(["build", "--data", str(data_copy), "--out", str(out)]) == 0
    assert (out / "ipexkg.ttl").stat().st_size > 0
    assert "does not conform" not in capsys.readouterr().err
