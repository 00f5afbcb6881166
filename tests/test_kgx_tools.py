"""kgx itself on the release: ``kgx validate`` against the pinned Biolink model, and ``kgx
transform`` keeping every per-source edge.

kgx 2.7 pins click < 8.2 while biolink-model 4.4.6 needs a linkml-runtime that wants click >= 8.2,
so kgx cannot share the project's virtual environment: ``.ci/run`` installs it in ``.venv-tools``
(README, "Validating with the field's tools") and ``tests/kgx_tool.py`` runs it there, offline,
with the ``biolink-model`` 4.4.6 schema and prefix map of this environment.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
from collections import Counter
from importlib.resources import files
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
TOOL = Path(__file__).parent / "kgx_tool.py"
SCHEMA = Path(str(files("biolink_model") / "schema" / "biolink_model.yaml"))


def _python() -> str:
    python = Path(os.environ.get("IPEXKG_KGX_PYTHON", ROOT / ".venv-tools" / "bin" / "python"))
    if not python.exists():
        pytest.skip(f"kgx is not installed: {python} is missing (.ci/run makes .venv-tools)")
    return str(python)


def _kgx(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_python(), str(TOOL), *args], capture_output=True, text=True, check=False, timeout=900
    )


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _records(path: Path) -> list[dict[str, object]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _same(value: object, cell: str) -> bool:
    """A kgx JSON value equals our TSV cell (lists joined by |, numbers as text)."""
    if isinstance(value, list):
        return sorted(map(str, value)) == sorted(cell.split("|"))
    return str(value) == cell or (isinstance(value, float) and float(cell) == value)


@pytest.fixture(scope="module")
def kgx_files(release_dir: Path) -> tuple[str, str]:
    return str(release_dir / "ipexkg_nodes.tsv"), str(release_dir / "ipexkg_edges.tsv")


def test_kgx_validate_reports_nothing(kgx_files: tuple[str, str], tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    done = _kgx("validate", str(SCHEMA), *kgx_files, str(report))
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(report.read_text(encoding="utf-8")) == {}


def test_kgx_transform_keeps_every_per_source_edge(
    kgx_files: tuple[str, str], tmp_path: Path
) -> None:
    done = _kgx("transform", str(SCHEMA), *kgx_files, str(tmp_path / "out"))
    assert done.returncode == 0, done.stdout + done.stderr
    ours = _rows(Path(kgx_files[1]))
    theirs = {str(r["id"]): r for r in _records(tmp_path / "out_edges.jsonl")}
    assert sorted(theirs) == sorted(r["id"] for r in ours)
    per_triple = Counter((r["subject"], r["predicate"], r["object"]) for r in ours)
    assert max(per_triple.values()) > 1, "the release has facts stated by several sources"
    for row in ours:  # every column of every edge, sources and counts included, comes through
        for column, cell in row.items():
            if cell:
                assert _same(theirs[row["id"]].get(column), cell), (row["id"], column)
    nodes = {str(r["id"]) for r in _records(tmp_path / "out_nodes.jsonl")}
    assert nodes == {r["id"] for r in _rows(Path(kgx_files[0]))}


def test_kgx_in_memory_transform_merges_edges_by_subject_predicate_object(
    kgx_files: tuple[str, str], tmp_path: Path
) -> None:
    """kgx's default (non-streaming) route keys edges by subject-predicate-object: documented."""
    done = _kgx("transform-in-memory", str(SCHEMA), *kgx_files, str(tmp_path / "out"))
    assert done.returncode == 0, done.stdout + done.stderr
    ours = _rows(Path(kgx_files[1]))
    distinct = {(r["subject"], r["predicate"], r["object"]) for r in ours}
    assert len(_records(tmp_path / "out_edges.jsonl")) == len(distinct) < len(ours)
