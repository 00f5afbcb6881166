"""Curation tooling on real tables: each kind of broken row gives a clear error and no output."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from ipexkg.cli import main
from ipexkg.curation import TABLES, canonical_text, read_table
from ipexkg.model import FREQUENCY_TERMS


def _edit_cell(folder: Path, table: str, column: str, value: str, line: int = 2) -> str:
    """Set one cell of one row of a copied table; return the original value."""
    path = folder / f"{table}.tsv"
    lines = path.read_text(encoding="utf-8").split("\n")
    header = lines[0].split("\t")
    cells = lines[line - 1].split("\t")
    original = cells[header.index(column)]
    cells[header.index(column)] = value
    lines[line - 1] = "\t".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")
    return original


def _build(folder: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["build", "--data", str(folder), "--out", str(out)])
    return code, capsys.readouterr().err


def _assert_failed_cleanly(code: int, err: str, out: Path, *needles: str) -> None:
    assert code == 1, err
    for needle in needles:
        assert needle in err, err
    assert "Traceback" not in err
    assert not (out / "ipexkg.ttl").exists(), "a failed build must not leave output behind"


def test_malformed_row_names_file_and_line(data_copy, tmp_path, capsys) -> None:
    path = data_copy / "phenotypes.tsv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("\t", " ", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, err = _build(data_copy, tmp_path / "out", capsys)
    _assert_failed_cleanly(code, err, tmp_path / "out", "data/phenotypes.tsv:3", "fields where")


def test_unknown_prefix(data_copy, tmp_path, capsys) -> None:
    _edit_cell(data_copy, "phenotypes", "object", "HPO:0002028")
    code, err = _build(data_copy, tmp_path / "out", capsys)
    _assert_failed_cleanly(code, err, tmp_path / "out", "phenotypes.tsv:2", "unknown prefix 'HPO'")


def test_prefix_synonym_names_canonical_spelling(data_copy, tmp_path, capsys) -> None:
    _edit_cell(data_copy, "xrefs", "object", "ORPHA:37042")
    code, err = _build(data_copy, tmp_path / "out", capsys)
    _assert_failed_cleanly(code, err, tmp_path / "out", "xrefs.tsv:2", "write 'Orphanet'")


def test_curie_failing_its_pattern(data_copy, tmp_path, capsys) -> None:
    _edit_cell(data_copy, "phenotypes", "object", "HP:28")
    code, err = _build(data_copy, tmp_path / "out", capsys)
    _assert_failed_cleanly(code, err, tmp_path / "out", "column 'object (#3)'", "HP pattern")


def test_hpo_id_absent_from_hp_obo(data_copy, tmp_path, capsys) -> None:
    nodes = (data_copy / "nodes.tsv").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(nodes, 1) if text.startswith("HP:0002028\t"))
    _edit_cell(data_copy, "nodes", "id", "HP:9999999", line=line)
    code, err = _build(data_copy, tmp_path / "out", capsys)
    _assert_failed_cleanly(code, err, tmp_path / "out", f"nodes.tsv:{line}", "not in hp.obo")


def test_hpo_label_mismatch_gives_the_right_label(data_copy, tmp_path, capsys) -> None:
    nodes = (data_copy / "nodes.tsv").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(nodes, 1) if text.startswith("HP:0002028\t"))
    _edit_cell(data_copy, "nodes", "label", "Chronic diarrhoea", line=line)
    code, err = _build(data_copy, tmp_path / "out", capsys)
    _assert_failed_cleanly(code, err, tmp_path / "out", "differs from hp.obo", "'Chronic diarrhea'")


def test_row_without_source(data_copy, tmp_path, capsys) -> None:
    _edit_cell(data_copy, "associations", "source", "")
    code, err = _build(data_copy, tmp_path / "out", capsys)
    _assert_failed_cleanly(code, err, tmp_path / "out", "associations.tsv:2", "required value")


def test_source_missing_from_publications(data_copy, tmp_path, capsys) -> None:
    _edit_cell(data_copy, "phenotypes", "source", "PMID:1")
    code, err = _build(data_copy, tmp_path / "out", capsys)
    _assert_failed_cleanly(code, err, tmp_path / "out", "PMID:1 is not in publications.tsv")


def test_invented_orcid_is_rejected(data_copy, tmp_path, capsys) -> None:
    _edit_cell(data_copy, "curators", "orcid", "0000-0000-0000-0000")
    code, err = _build(data_copy, tmp_path / "out", capsys)
    _assert_failed_cleanly(code, err, tmp_path / "out", "curators.tsv:2", "not a valid ORCID")


@pytest.mark.parametrize("measure", ["has_count", "has_percentage"])
def test_fraction_or_percentage_and_frequency_term_must_agree(
    measure, data_copy, tmp_path, capsys
) -> None:
    lines = (data_copy / "phenotypes.tsv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    line = next(
        i
        for i, text in enumerate(lines[1:], 2)
        if text.split("\t")[header.index(measure)] and text.split("\t")[header.index("frequency")]
    )
    current = lines[line - 1].split("\t")[header.index("frequency")]
    other = "HP:0040285" if current != "HP:0040285" else "HP:0040280"
    _edit_cell(data_copy, "phenotypes", "frequency", other, line=line)
    code, err = _build(data_copy, tmp_path / "out", capsys)
    _assert_failed_cleanly(code, err, tmp_path / "out", f"phenotypes.tsv:{line}", "does not fit")


def test_binary_table_is_refused(data_copy, tmp_path, capsys) -> None:
    (data_copy / "statements.tsv").write_bytes(b"\x00\x01\x02")
    code, err = _build(data_copy, tmp_path / "out", capsys)
    _assert_failed_cleanly(code, err, tmp_path / "out", "statements.tsv:1", "binary")


def test_wrong_header(data_copy, tmp_path, capsys) -> None:
    path = data_copy / "xrefs.tsv"
    text = path.read_text(encoding="utf-8").replace("subject_label", "label", 1)
    path.write_text(text, encoding="utf-8")
    code, err = _build(data_copy, tmp_path / "out", capsys)
    _assert_failed_cleanly(code, err, tmp_path / "out", "xrefs.tsv:1", "header must be")


def test_build_error_has_no_traceback_in_a_real_process(data_copy, tmp_path) -> None:
    _edit_cell(data_copy, "phenotypes", "object", "HPO:1")
    proc = subprocess.run(
        [sys.executable, "-m", "ipexkg", "build", "--data", str(data_copy), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "phenotypes.tsv:2" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_lint_rewrites_shuffled_table_into_canonical_form(reviewed_copy, capsys) -> None:
    data_copy = reviewed_copy
    path = data_copy / "phenotypes.tsv"
    original = path.read_text(encoding="utf-8")
    lines = original.splitlines()
    body = lines[1:]
    random.Random(7).shuffle(body)
    path.write_text("\n".join([lines[0], *body]) + "\n", encoding="utf-8")
    assert main(["lint", "--check", "--data", str(data_copy)]) == 1
    assert "not in canonical form" in capsys.readouterr().err
    assert main(["lint", "--data", str(data_copy)]) == 0
    assert path.read_text(encoding="utf-8") == original
    assert main(["lint", "--check", "--data", str(data_copy)]) == 0


def test_lint_does_not_rewrite_a_broken_table(data_copy, capsys) -> None:
    path = data_copy / "phenotypes.tsv"
    lines = path.read_text(encoding="utf-8").splitlines()
    broken = [lines[0], *reversed(lines[1:])]
    broken[1] = broken[1].replace("MONDO:0010580", "MONDO:12", 1)
    path.write_text("\n".join(broken) + "\n", encoding="utf-8")
    before = path.read_bytes()
    assert main(["lint", "--data", str(data_copy)]) == 1
    assert path.read_bytes() == before
    assert "MONDO pattern" in capsys.readouterr().err


@pytest.mark.parametrize("name", sorted(TABLES))
def test_canonical_text_is_idempotent(name: str, data_copy: Path) -> None:
    table, problems = read_table(data_copy / TABLES[name].filename, TABLES[name])
    assert not problems
    text = canonical_text(table)
    (data_copy / "again.tsv").write_text(text, encoding="utf-8")
    again, _ = read_table(data_copy / "again.tsv", TABLES[name])
    assert canonical_text(again) == text


def test_python_api_raises_curation_error(data_copy) -> None:
    from ipexkg.curation import CurationError, load_dataset

    _edit_cell(data_copy, "phenotypes", "object", "HP:28")
    with pytest.raises(CurationError) as info:
        load_dataset(data_copy)
    assert any(p.line == 2 and p.path.endswith("phenotypes.tsv") for p in info.value.problems)


def test_lint_sorts_multi_valued_sources_and_is_then_stable(reviewed_copy, capsys) -> None:
    data_copy = reviewed_copy
    path = data_copy / "phenotypes.tsv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    index = next(
        i for i, text in enumerate(lines[1:], 1) if "|" in text.split("\t")[header.index("source")]
    )
    cells = lines[index].split("\t")
    sources = cells[header.index("source")].split("|")
    cells[header.index("source")] = "|".join(reversed(sources))
    lines[index] = "\t".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["lint", "--data", str(data_copy)]) == 0
    rewritten = path.read_text(encoding="utf-8")
    assert "|".join(sorted(sources)) in rewritten
    assert main(["lint", "--check", "--data", str(data_copy)]) == 0
    capsys.readouterr()


@pytest.mark.parametrize(
    ("count", "total", "term"),
    [
        (9, 200, "HP:0040283"),
        (1, 200, "HP:0040284"),
        (59, 200, "HP:0040282"),
        (199, 200, "HP:0040280"),
    ],
    ids=["4.5%-occasional", "0.5%-very-rare", "29.5%-frequent", "99.5%-obligate"],
)
def test_half_percentages_round_up_as_sparql_round_does(count: int, total: int, term: str) -> None:
    """Lint and the QC query frequency-contradicts-fraction must agree on boundary fractions."""
    from rdflib import Graph

    from ipexkg.model import frequency_term_for

    assert frequency_term_for(count, total) == term
    rows = Graph().query(f"SELECT (ROUND(100 * {count} / {total}) AS ?p) WHERE {{}}")
    sparql_whole = int(next(iter(rows))[0])
    low, high = FREQUENCY_TERMS[term]
    assert low <= sparql_whole <= high
