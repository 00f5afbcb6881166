"""Each rule of the curated tables has its own failing case in ``ipexkg lint`` itself.

Every case changes one thing in a copy of the real tables and runs ``ipexkg lint --check``: the
command must exit 1 and name the file, the line, the column and the rule; the same copy, unchanged,
passes (``test_the_unchanged_copy_passes``), so each failure is the planted defect's.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from ipexkg.cli import main
from ipexkg.hpo import hpo_terms

Row = dict[str, str]


def _rows(folder: Path, table: str) -> tuple[list[str], list[Row]]:
    with (folder / f"{table}.tsv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return list(reader.fieldnames or ()), list(reader)


def _write(folder: Path, table: str, header: list[str], rows: list[Row]) -> None:
    lines = ["\t".join(header), *("\t".join(r[c] for c in header) for r in rows)]
    (folder / f"{table}.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def edit(folder: Path, table: str, match: Callable[[Row], bool], **cells: str) -> int:
    """Change ``cells`` of the first row that ``match``es; return its line number."""
    header, rows = _rows(folder, table)
    index = next(i for i, row in enumerate(rows) if match(row))
    rows[index].update(cells)
    _write(folder, table, header, rows)
    return index + 2


def _node(folder: Path, match: Callable[[Row], bool]) -> Row:
    return next(r for r in _rows(folder, "nodes")[1] if match(r))


def _any(row: Row) -> bool:
    return True


def _fraction(row: Row) -> bool:
    return row.get("has_count", "") not in ("", "0")


def _duplicate(folder: Path) -> tuple[str, int]:
    header, rows = _rows(folder, "phenotypes")
    rows.insert(1, dict(rows[0]))
    _write(folder, "phenotypes", header, rows)
    return "phenotypes", 3


def _obsolete(folder: Path) -> tuple[str, int]:
    term = next(t for k, t in sorted(hpo_terms().items()) if t.obsolete and k == t.id)
    line = edit(folder, "nodes", lambda r: r["id"] == "HP:0040189", id=term.id, label=term.name)
    return "nodes", line


def _other_category_node(folder: Path, category: str) -> Row:
    return _node(folder, lambda r: r["category"] == category)


# (case id, planting function returning (table, line) or (table, match, cells), column, message)
Plant = Callable[[Path], tuple[str, int]]


def _cells(table: str, match: Callable[[Row], bool], **cells: str) -> Plant:
    return lambda folder: (table, edit(folder, table, match, **cells))


def _object_of_category(category: str) -> Plant:
    def plant(folder: Path) -> tuple[str, int]:
        node = _other_category_node(folder, category)
        return "phenotypes", edit(
            folder, "phenotypes", _any, object=node["id"], object_label=node["label"]
        )

    return plant


def _doi_of_a_pmid_publication(folder: Path) -> tuple[str, int]:
    pub = next(r for r in _rows(folder, "publications")[1] if r["pmid"] and r["doi"])
    return "phenotypes", edit(folder, "phenotypes", _any, source=f"doi:{pub['doi']}")


def _evidence_not_eco(folder: Path) -> tuple[str, int]:
    return "phenotypes", edit(folder, "phenotypes", _any, evidence="HP:0040283")


def _taxon_not_taxon(folder: Path) -> tuple[str, int]:
    return "nodes", edit(folder, "nodes", lambda r: r["taxon"] != "", taxon="MONDO:0010580")


def _is_pmid(row: Row) -> bool:
    return row["id"].startswith("PMID:")


def _is_doi(row: Row) -> bool:
    return row["id"].startswith("doi:")


def _is_url(row: Row) -> bool:
    return row["id"].startswith("http")


def _is_hp(row: Row) -> bool:
    return row["id"].startswith("HP:")


CASES: list[tuple[str, Plant, str | None, str]] = [
    ("duplicate-row", _duplicate, None, "duplicate of line 2"),
    (
        "node-category",
        _cells("nodes", _any, category="biolink:Thing"),
        "category",
        "not a node category",
    ),
    ("hpo-id-not-in-hp-obo", _cells("nodes", _is_hp, id="HP:9999999"), "id", "is not in hp.obo"),
    ("hpo-id-obsolete", _obsolete, "id", "is obsolete or an alternative id"),
    ("hpo-label", _cells("nodes", _is_hp, label="Something else"), "label", "differs from hp.obo"),
    (
        "publication-category",
        _cells("publications", _is_pmid, category="biolink:Book"),
        "category",
        "not a publication category",
    ),
    (
        "publication-title",
        _cells("publications", _is_pmid, title="", comment=""),
        "title",
        "title is empty",
    ),
    (
        "publication-pmid",
        _cells("publications", _is_pmid, pmid="1"),
        "pmid",
        "must repeat the PMID",
    ),
    (
        "publication-doi",
        _cells("publications", _is_doi, doi="10.1234/other"),
        "doi",
        "must repeat the DOI",
    ),
    (
        "publication-doi-with-pmid",
        _cells("publications", _is_doi, pmid="12345678"),
        "id",
        "a publication with a PMID is identified by it",
    ),
    (
        "publication-url",
        _cells("publications", _is_url, url="https://example.org/"),
        "url",
        "must repeat its id",
    ),
    (
        "publication-web-page-without-url",
        _cells("publications", _is_pmid, category="biolink:WebPage"),
        "category",
        "a web page is identified by its URL",
    ),
    (
        "entity-not-in-nodes",
        _cells("phenotypes", _any, object="HP:0000118", object_label="Phenotypic abnormality"),
        "object",
        "is not described in nodes.tsv",
    ),
    (
        "label-differs-from-nodes",
        _cells("phenotypes", _any, object_label="Other"),
        "object_label",
        "differs from nodes.tsv",
    ),
    (
        "entity-wrong-category",
        _object_of_category("biolink:GrossAnatomicalStructure"),
        "object",
        "expected one of biolink:PhenotypicFeature",
    ),
    ("evidence-not-eco", _evidence_not_eco, "evidence", "is not an ECO evidence node"),
    ("source-cited-by-doi", _doi_of_a_pmid_publication, "source", "is cited by its DOI"),
    (
        "source-not-listed",
        _cells("phenotypes", _any, source="PMID:1"),
        "source",
        "is not in publications.tsv",
    ),
    (
        "curator-not-listed",
        _cells("phenotypes", _any, curator="someone-else"),
        "curator",
        "is not in curators.tsv",
    ),
    (
        "count-without-total",
        _cells("phenotypes", _fraction, has_total=""),
        "has_total",
        "needs has_total",
    ),
    (
        "count-above-total",
        _cells("phenotypes", _fraction, has_count="29", has_total="28", frequency=""),
        "has_count",
        "29/28 is not a fraction",
    ),
    (
        "frequency-does-not-fit",
        _cells("phenotypes", _fraction, has_count="3", has_total="28", frequency="HP:0040282"),
        "frequency",
        "HP:0040282 does not fit 3/28",
    ),
    (
        "frequency-not-a-frequency-term",
        _cells("phenotypes", lambda r: not r["has_count"], frequency="HP:0000099"),
        "frequency",
        "is not an HPO frequency term",
    ),
    (
        "onset-not-onset",
        _cells("phenotypes", _any, onset="HP:0040283"),
        "onset",
        "is not an onset node",
    ),
    (
        "relation-unknown",
        _cells("associations", _any, predicate="biolink:related_to"),
        "predicate",
        "is not a known relation",
    ),
    (
        "relation-class",
        _cells(
            "associations",
            lambda r: r["predicate"] == "biolink:causes",
            category="biolink:Association",
        ),
        "category",
        "biolink:causes facts are",
    ),
    (
        "statement-relation",
        _cells("statements", _any, predicate="biolink:has_phenotype"),
        "predicate",
        "is not a text relation",
    ),
    (
        "xref-relation",
        _cells("xrefs", _any, predicate="skos:closeMatch"),
        "predicate",
        "is not a mapping relation",
    ),
    (
        "xref-justification",
        _cells("xrefs", _any, mapping_justification="ipex:ByHand"),
        "mapping_justification",
        "must be a semapv: term",
    ),
    ("taxon-not-a-taxon", _taxon_not_taxon, "taxon", "is not an organism taxon node"),
]


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (the tables and their review records), by relative path."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _lint(folder: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["lint", "--check", "--data", str(folder)])
    captured = capsys.readouterr()
    return code, captured.err + captured.out


def test_the_unchanged_copy_passes(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, text = _lint(data_copy, capsys)
    assert code == 0, text
    assert "error" not in text


@pytest.mark.parametrize(
    ("plant", "column", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_rule_fails_lint_on_its_own_case(
    plant: Plant,
    column: str | None,
    message: str,
    data_copy: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = _snapshot(data_copy)
    table, line = plant(data_copy)
    planted = _snapshot(data_copy)
    code, text = _lint(data_copy, capsys)
    assert code == 1, text
    where = f"error: data/{table}.tsv:{line}: " + (f"column {column!r}: " if column else "")
    assert any(ln.startswith(where) and message in ln for ln in text.splitlines()), text
    assert "Traceback" not in text
    # lint --check writes nothing, and plain lint does not rewrite a table with problems
    assert _snapshot(data_copy) == planted
    assert main(["lint", "--data", str(data_copy)]) == 1
    capsys.readouterr()
    assert _snapshot(data_copy) == planted != before
