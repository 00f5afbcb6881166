"""Review records: each rule of ``ipexkg lint`` on data/reviews/ fails on a real broken copy."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipexkg.cli import main
from ipexkg.curation import TABLES, read_dataset, row_key
from ipexkg.review import REVIEWS_FOLDER, review_spec


def _lines(folder: Path, table: str) -> list[str]:
    return (folder / REVIEWS_FOLDER / f"{table}.tsv").read_text(encoding="utf-8").splitlines()


def _write(folder: Path, table: str, lines: list[str]) -> None:
    (folder / REVIEWS_FOLDER / f"{table}.tsv").write_text("\n".join(lines) + "\n", "utf-8")


def _set(folder: Path, table: str, line: int, column: str, value: str) -> None:
    lines = _lines(folder, table)
    header = lines[0].split("\t")
    cells = lines[line - 1].split("\t")
    cells[header.index(column)] = value
    lines[line - 1] = "\t".join(cells)
    _write(folder, table, lines)


def _lint_fails(
    folder: Path, capsys: pytest.CaptureFixture[str], *needles: str, check: bool = False
) -> str:
    args = ["lint", "--check"] if check else ["lint"]
    before = {p: p.read_bytes() for p in sorted(folder.rglob("*.tsv"))}
    code = main([*args, "--data", str(folder)])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err, err
    assert before == {p: p.read_bytes() for p in sorted(folder.rglob("*.tsv"))}, "lint wrote"
    return err


def test_every_review_file_has_the_key_columns_of_its_table() -> None:
    for name, spec in TABLES.items():
        header = review_spec(name).header
        assert header[: len(spec.key)] == spec.key
        assert header[len(spec.key) :] == (
            "verdict",
            "action",
            "checked_against",
            "reviewer",
            "date_reviewed",
            "note",
        )


def test_live_row_without_review_is_named_at_its_line(reviewed_copy, capsys) -> None:
    lines = _lines(reviewed_copy, "associations")
    key = lines[1].split("\t")[: len(TABLES["associations"].key)]
    _write(reviewed_copy, "associations", [lines[0], *lines[2:]])
    facts = (reviewed_copy / "associations.tsv").read_text(encoding="utf-8").splitlines()
    dataset, _ = read_dataset(reviewed_copy)
    line = next(
        r.line
        for r in dataset.rows("associations")
        if list(row_key(TABLES["associations"], r)) == key
    )
    assert facts[line - 1].startswith(key[0])
    _lint_fails(
        reviewed_copy,
        capsys,
        f"data/associations.tsv:{line}: no review row in data/reviews/associations.tsv",
        "(fix: re-read the row",
    )


def test_missing_review_file(reviewed_copy, capsys) -> None:
    (reviewed_copy / REVIEWS_FOLDER / "xrefs.tsv").unlink()
    _lint_fails(reviewed_copy, capsys, "data/reviews/xrefs.tsv:1: missing", "create the file")


def test_review_of_no_live_row(reviewed_copy, capsys) -> None:
    _set(reviewed_copy, "statements", 2, "value", "a value no row has")
    _lint_fails(
        reviewed_copy,
        capsys,
        "data/reviews/statements.tsv:2: no row of data/statements.tsv has this key",
        "write action 'removed'",
    )


def test_review_of_a_removed_row_is_kept_without_a_live_row(reviewed_copy, capsys) -> None:
    lines = _lines(reviewed_copy, "statements")
    cells = lines[1].split("\t")
    cells[2] = "a statement the review removed"
    width = len(TABLES["statements"].key)
    cells[width : width + 2] = ["wrong", "removed"]
    _write(reviewed_copy, "statements", [*lines, "\t".join(cells)])
    assert main(["lint", "--data", str(reviewed_copy)]) == 0, capsys.readouterr().err


def test_removed_but_still_live(reviewed_copy, capsys) -> None:
    _set(reviewed_copy, "statements", 2, "action", "removed")
    _lint_fails(
        reviewed_copy, capsys, "data/reviews/statements.tsv:2: column 'action'", "still has"
    )


def test_duplicate_review(reviewed_copy, capsys) -> None:
    lines = _lines(reviewed_copy, "nodes")
    _write(reviewed_copy, "nodes", [*lines, lines[1]])
    _lint_fails(reviewed_copy, capsys, f"nodes.tsv:{len(lines) + 1}: duplicate review", "line 2")


@pytest.mark.parametrize(
    ("column", "value", "needle"),
    [
        ("verdict", "fine", "'fine' is not a verdict (fix: use one of correct, imprecise"),
        ("action", "edited", "'edited' is not an action (fix: use one of kept, fixed"),
        ("action", "added", "verdict 'correct' with action 'added'"),
        ("reviewer", "someone-else", "'someone-else' is not in curators.tsv"),
        ("date_reviewed", "2999-01-01", "2999-01-01 is in the future"),
        ("date_reviewed", "01/02/2026", "not an ISO date"),
        ("checked_against", "", "required value is empty"),
    ],
)
def test_bad_review_cell(reviewed_copy, capsys, column: str, value: str, needle: str) -> None:
    _set(reviewed_copy, "publications", 2, "verdict", "correct")
    _set(reviewed_copy, "publications", 2, "action", "kept")
    _set(reviewed_copy, "publications", 2, column, value)
    _lint_fails(reviewed_copy, capsys, f"data/reviews/publications.tsv:2: column '{column}", needle)


def test_lint_sorts_review_files(reviewed_copy, capsys) -> None:
    lines = _lines(reviewed_copy, "associations")
    _write(reviewed_copy, "associations", [lines[0], *reversed(lines[1:])])
    _lint_fails(
        reviewed_copy, capsys, "not in canonical form: data/reviews/associations.tsv", check=True
    )
    assert main(["lint", "--data", str(reviewed_copy)]) == 0
    assert "rewrote data/reviews/associations.tsv" in capsys.readouterr().out
    assert _lines(reviewed_copy, "associations") == lines
    assert main(["lint", "--check", "--data", str(reviewed_copy)]) == 0
