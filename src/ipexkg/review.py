"""Review records: who re-read each curated row against what, when, and what they found.

Every curated table ``data/<table>.tsv`` has a review file ``data/reviews/<table>.tsv``. Its
first columns are the table's key columns (same names, same order as :attr:`TableSpec.key`), so a
review row points at exactly one live row; then come the verdict, the action taken, what was
re-read, the reviewer (a curator of ``curators.tsv``), the date and a note. A row that was
removed keeps its review row (action ``removed``) so the next curator sees why it went.

:func:`read_reviews` reads the files and checks each cell; :func:`check_reviews` checks them
against the live tables: every live row reviewed, every review row pointing at a live row (unless
removed), no duplicates, known verdicts, actions and reviewers, no date in the future.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType

from ipexkg.curation import (
    TABLES,
    Column,
    Dataset,
    Problem,
    Row,
    Table,
    TableSpec,
    read_table,
    row_key,
)

__all__ = [
    "ACTIONS",
    "REVIEWS_FOLDER",
    "REVIEW_COLUMNS",
    "VERDICTS",
    "check_reviews",
    "read_reviews",
    "review_spec",
]

#: the folder inside ``data/`` that holds one review file per curated table
REVIEWS_FOLDER = "reviews"

#: what the reviewer found: the row was right, loosely worded, not stated by its source, wrong,
#: or the row is new (added by the review)
VERDICTS = ("correct", "imprecise", "unsupported", "wrong", "added")

#: what was done with the row
ACTIONS = ("kept", "fixed", "removed", "added")

REVIEW_COLUMNS = (
    Column("verdict", "text", True),
    Column("action", "text", True),
    Column("checked_against", "text", True),
    Column("reviewer", "curator", True),
    Column("date_reviewed", "date", True),
    Column("note", "text"),
)


def review_spec(table: str) -> TableSpec:
    """Return the columns of the review file of curated table ``table``."""
    spec = TABLES[table]
    columns = {c.name: c for c in spec.columns}
    key_columns = tuple(columns[name] for name in spec.key)
    return TableSpec(spec.name, (*key_columns, *REVIEW_COLUMNS), spec.key)


def _display(root: Path, table: str) -> str:
    return f"{root.name}/{REVIEWS_FOLDER}/{TABLES[table].filename}"


def read_reviews(root: Path) -> tuple[Mapping[str, Table], list[Problem]]:
    """Read the review file of every curated table in ``root`` and check each cell on its own.

    A missing review file is one problem (its rows are then not checked one by one).
    """
    tables: dict[str, Table] = {}
    problems: list[Problem] = []
    for name in TABLES:
        spec = review_spec(name)
        path = root / REVIEWS_FOLDER / spec.filename
        display = _display(root, name)
        if not path.is_file():
            problems.append(
                Problem(
                    display,
                    1,
                    None,
                    f"missing: every row of {root.name}/{spec.filename} needs a review row",
                    "create the file with the header " + "\t".join(spec.header),
                )
            )
            continue
        table, found = read_table(path, spec, display)
        tables[name] = table
        problems.extend(found)
    return MappingProxyType(tables), problems


def _key_text(spec: TableSpec, key: tuple[str, ...]) -> str:
    return ", ".join(f"{c}={v!r}" for c, v in zip(spec.key, key, strict=True) if v)


def _check_vocabulary(
    display: str, row: Row, curators: set[str], today: dt.date
) -> Iterator[Problem]:
    verdict, action = row["verdict"], row["action"]
    if verdict not in VERDICTS:
        yield Problem(
            display,
            row.line,
            "verdict",
            f"{verdict!r} is not a verdict",
            "use one of " + ", ".join(VERDICTS),
        )
    if action not in ACTIONS:
        yield Problem(
            display,
            row.line,
            "action",
            f"{action!r} is not an action",
            "use one of " + ", ".join(ACTIONS),
        )
    if (verdict == "added") != (action == "added") and verdict in VERDICTS and action in ACTIONS:
        yield Problem(
            display,
            row.line,
            "action",
            f"verdict {verdict!r} with action {action!r}",
            "a row the review added has verdict 'added' and action 'added'; "
            "a row that was there before has another verdict and action",
        )
    if row["reviewer"] and row["reviewer"] not in curators:
        yield Problem(
            display,
            row.line,
            "reviewer",
            f"{row['reviewer']!r} is not in curators.tsv",
            "add the reviewer to data/curators.tsv",
        )
    try:
        reviewed = dt.date.fromisoformat(row["date_reviewed"])
    except ValueError:
        return  # read_table already reported it
    if reviewed > today:
        yield Problem(
            display,
            row.line,
            "date_reviewed",
            f"{reviewed.isoformat()} is in the future",
            "write the day the row was re-read",
        )


def _check_table(
    ds: Dataset, name: str, reviews: Table, curators: set[str], today: dt.date
) -> Iterator[Problem]:
    spec = TABLES[name]
    display = _display(ds.root, name)
    live: dict[tuple[str, ...], Row] = {}
    for row in ds.rows(name):
        live.setdefault(row_key(spec, row), row)
    seen: dict[tuple[str, ...], int] = {}
    for review in reviews.rows:
        yield from _check_vocabulary(display, review, curators, today)
        key = row_key(reviews.spec, review)
        if key in seen:
            yield Problem(
                display,
                review.line,
                None,
                f"duplicate review of the same row as line {seen[key]}",
                "keep one review row per row of the table",
            )
            continue
        seen[key] = review.line
        removed = review["action"] == "removed"
        if key not in live and not removed:
            yield Problem(
                display,
                review.line,
                None,
                f"no row of {ds.display_path(name)} has this key ({_key_text(spec, key)})",
                "correct the key columns to match the row, or write action 'removed' "
                "if the row was deleted",
            )
        elif key in live and removed:
            yield Problem(
                display,
                review.line,
                "action",
                f"says 'removed' but line {live[key].line} of {ds.display_path(name)} "
                "still has this key",
                "delete the row from the table, or record what was done with it",
            )
    for key, row in live.items():
        if key not in seen:
            yield Problem(
                ds.display_path(name),
                row.line,
                None,
                f"no review row in {display}",
                "re-read the row against its source and add a review row with key "
                + "\t".join(key),
            )


def check_reviews(
    ds: Dataset, reviews: Mapping[str, Table], today: dt.date | None = None
) -> list[Problem]:
    """Check the review files against the live tables of ``ds``.

    :param today: the date after which a review date is in the future (default: today)
    """
    today = today or dt.date.today()
    curators = {row["id"] for row in ds.rows("curators")}
    problems: list[Problem] = []
    for name, table in reviews.items():
        problems.extend(_check_table(ds, name, table, curators, today))
    return sorted(problems, key=lambda p: (p.path, p.line, p.column or ""))
