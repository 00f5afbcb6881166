"""Lint: check the curated tables and their review records, and rewrite both in canonical form."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ipexkg.curation import Problem, Table, canonical_text, read_dataset
from ipexkg.files import write_files_atomic
from ipexkg.resources import data_dir
from ipexkg.review import check_reviews, read_reviews

__all__ = ["LintReport", "lint"]


@dataclass(frozen=True)
class LintReport:
    """What lint found: problems, files not in canonical form (or rewritten), and sizes."""

    problems: tuple[Problem, ...]
    not_canonical: tuple[str, ...]
    tables: int
    rows: int
    reviews: int = 0


def _display(table: Table, root: Path) -> str:
    """Return the path of a table file as messages show it (``data/reviews/x.tsv``)."""
    return f"{root.name}/{table.path.relative_to(root).as_posix()}"


def _not_canonical(tables: Mapping[str, Table], root: Path) -> list[tuple[Table, str]]:
    found = []
    for table in tables.values():
        if not table.path.is_file():  # a pipe or a device: reading already reported it
            continue
        try:  # bytes, not read_text: that would read CRLF line ends as LF
            current = table.path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if current != canonical_text(table):
            found.append((table, _display(table, root)))
    return found


def lint(root: Path | None = None, fix: bool = True) -> LintReport:
    """Check the tables in ``root`` and their reviews; when ``fix`` and no problem was found,
    rewrite them sorted.

    Nothing is written while any problem remains, so a broken table is never half-rewritten.
    """
    root = root if root is not None else data_dir()
    dataset, problems = read_dataset(root)
    reviews, review_problems = read_reviews(root)
    if not problems:
        # a review file whose header is wrong has no rows: do not list every row as unreviewed
        unreadable = {p.path for p in review_problems if p.line <= 1}
        readable = {
            name: table
            for name, table in reviews.items()
            if _display(table, root) not in unreadable
        }
        review_problems.extend(check_reviews(dataset, readable))
    problems.extend(review_problems)
    unsorted = _not_canonical(dataset.tables, root) + _not_canonical(reviews, root)
    if fix and not problems and unsorted:
        # all files or none: one that cannot be written leaves every table as it was
        write_files_atomic({t.path: canonical_text(t).encode("utf-8") for t, _ in unsorted})
    rows = sum(len(t.rows) for t in dataset.tables.values())
    reviewed = sum(len(t.rows) for t in reviews.values())
    return LintReport(
        tuple(problems), tuple(name for _, name in unsorted), len(dataset.tables), rows, reviewed
    )
