"""Lint: check the curated tables and rewrite them in canonical form."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ipexkg.curation import Problem, canonical_text, read_dataset
from ipexkg.files import write_text_atomic
from ipexkg.resources import data_dir

__all__ = ["LintReport", "lint"]


@dataclass(frozen=True)
class LintReport:
    """What lint found: problems, tables not in canonical form (or rewritten), and sizes."""

    problems: tuple[Problem, ...]
    not_canonical: tuple[str, ...]
    tables: int
    rows: int


def lint(root: Path | None = None, fix: bool = True) -> LintReport:
    """Check the tables in ``root``; when ``fix`` and no problem was found, rewrite them sorted.

    Nothing is written while any problem remains, so a broken table is never half-rewritten.
    """
    root = root if root is not None else data_dir()
    dataset, problems = read_dataset(root)
    not_canonical: list[str] = []
    for name, table in dataset.tables.items():
        text = canonical_text(table)
        try:
            current = table.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if current != text:
            not_canonical.append(dataset.display_path(name))
            if fix and not problems:
                write_text_atomic(table.path, text)
    rows = sum(len(t.rows) for t in dataset.tables.values())
    return LintReport(tuple(problems), tuple(not_canonical), len(dataset.tables), rows)
