"""Numeric rules at their edges: frequency ranges, rounding of halves, zero counts, thresholds.

The HPO frequency terms have inclusive whole-percentage ranges; a fraction is rounded to a whole
percentage, halves upwards (SPARQL's ROUND). ``model.frequency_term_for`` (used by lint) and the
QC query ``frequency-contradicts-fraction-violation`` (used by validate) must draw every border
in the same place: each case below is a border value, and both must agree on it.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from ipexkg.cli import main
from ipexkg.curation import TABLES
from ipexkg.model import FREQUENCY_TERMS, frequency_term_for, frequency_term_for_percentage
from ipexkg.namespaces import BIOLINK
from ipexkg.queries import run_query
from ipexkg.validate import load_qc_queries

ENGINES = ["rdflib", "oxigraph"]
INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")
DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")
HP = "http://purl.obolibrary.org/obo/HP_"
QC = {q.name: q for q in load_qc_queries()}
FREQUENCY_QC = QC["frequency-contradicts-fraction-violation"]
COUNT_QC = QC["count-exceeds-total-violation"]

#: the HPO ranges (hp.obo definitions, dossier A7), written out here rather than read from model
RANGES = {
    "HP:0040280": (100, 100),
    "HP:0040281": (80, 99),
    "HP:0040282": (30, 79),
    "HP:0040283": (5, 29),
    "HP:0040284": (1, 4),
    "HP:0040285": (0, 0),
}


def test_the_model_has_the_hpo_ranges() -> None:
    assert {t: (int(lo), int(hi)) for t, (lo, hi) in FREQUENCY_TERMS.items()} == RANGES


def _expected(percentage: Decimal) -> str | None:
    whole = int(percentage + Decimal("0.5")) if percentage >= 0 else -1  # halves up
    return next((t for t, (lo, hi) in RANGES.items() if lo <= whole <= hi), None)


#: (count, total) at every border: exactly on each end, and a half below and above where it rounds
FRACTIONS = [
    (0, 28),  # 0 %: Excluded
    (1, 200),  # 0.5 %: rounds up to 1, Very rare
    (1, 201),  # 0.4975 %: rounds down to 0, Excluded
    (1, 100),  # 1 %: lower end of Very rare
    (4, 100),  # 4 %
    (9, 200),  # 4.5 %: rounds up to 5, Occasional (to even it would stay Very rare)
    (5, 100),  # 5 %
    (29, 100),  # 29 %
    (59, 200),  # 29.5 %: rounds up to 30, Frequent
    (3, 10),  # 30 %
    (79, 100),  # 79 %
    (159, 200),  # 79.5 %: rounds up to 80, Very frequent
    (4, 5),  # 80 %
    (99, 100),  # 99 %
    (199, 200),  # 99.5 %: rounds up to 100, Obligate
    (200, 201),  # 99.50 %: just under a half, rounds to 100
    (197, 199),  # 98.99 %: rounds to 99
    (1, 1),  # 100 %
    (13, 14),  # 92.9 %: Wildin 2002
]


@pytest.mark.parametrize(("count", "total"), FRACTIONS, ids=[f"{c}of{t}" for c, t in FRACTIONS])
def test_the_model_puts_each_border_fraction_in_its_hpo_range(count: int, total: int) -> None:
    percentage = Decimal(100 * count) / Decimal(total)
    assert frequency_term_for(count, total) == _expected(percentage)
    assert frequency_term_for_percentage(percentage) == _expected(percentage)


@pytest.mark.parametrize("value", ["0.49", "0.5", "4.5", "4.49", "29.5", "79.5", "99.49", "99.5"])
def test_halves_round_up_and_just_below_half_rounds_down(value: str) -> None:
    percentage = Decimal(value)
    assert frequency_term_for_percentage(percentage) == _expected(percentage)


def test_no_term_outside_0_to_100_or_for_an_impossible_fraction() -> None:
    assert frequency_term_for_percentage(Decimal("100.5")) is None
    assert frequency_term_for_percentage(Decimal("-0.6")) is None
    assert frequency_term_for(0, 0) is None
    assert frequency_term_for(1, 0) is None
    assert frequency_term_for(5, 4) is None
    assert frequency_term_for(-1, 4) is None


def _association(graph: Graph, n: int, term: str, **numbers: Literal) -> URIRef:
    node = URIRef(f"https://w3id.org/ipexkg/association/test{n}")
    graph.add((node, BIOLINK.frequency_qualifier, URIRef(HP + term[3:])))
    for slot, value in numbers.items():
        graph.add((node, BIOLINK[slot], value))
    return node


def _flagged(graph: Graph, query: object, engine: str) -> set[str]:
    return {str(row[0]) for row in run_query(query, graph, engine=engine).rows}  # type: ignore[arg-type]


@pytest.mark.parametrize("engine", ENGINES)
def test_qc_query_and_model_agree_on_every_border_and_every_term(engine: str) -> None:
    """Each border fraction with each of the six terms: flagged exactly when the model differs."""
    graph = Graph()
    expected: set[str] = set()
    n = 0
    for count, total in FRACTIONS:
        for term in RANGES:
            n += 1
            node = _association(
                graph,
                n,
                term,
                has_count=Literal(count, datatype=INTEGER),
                has_total=Literal(total, datatype=INTEGER),
            )
            if frequency_term_for(count, total) != term:
                expected.add(str(node).rsplit("test", 1)[1])
    found = {f.rsplit("test", 1)[1] for f in _flagged(graph, FREQUENCY_QC, engine)}
    assert found == expected
    assert 0 < len(expected) < n


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("value", ["0.5", "0.49", "4.5", "29.5", "79.5", "99.5", "99.49", "100"])
def test_qc_query_and_model_agree_on_percentages(engine: str, value: str) -> None:
    graph = Graph()
    flagged_terms = set()
    for n, term in enumerate(RANGES):
        _association(graph, n, term, has_percentage=Literal(Decimal(value), datatype=DECIMAL))
    for focus in _flagged(graph, FREQUENCY_QC, engine):
        flagged_terms.add(list(RANGES)[int(focus.rsplit("test", 1)[1])])
    model = frequency_term_for_percentage(Decimal(value))
    assert set(RANGES) - flagged_terms == {model}


@pytest.mark.parametrize("engine", ENGINES)
def test_count_exceeds_total_at_its_edge(engine: str) -> None:
    graph = Graph()
    for n, (count, total) in enumerate([(14, 14), (15, 14), (0, 14), (1, 0)]):
        node = URIRef(f"https://w3id.org/ipexkg/association/count{n}")
        graph.add((node, BIOLINK.has_count, Literal(count, datatype=INTEGER)))
        graph.add((node, BIOLINK.has_total, Literal(total, datatype=INTEGER)))
    flagged = {f.rsplit("count", 1)[1] for f in _flagged(graph, COUNT_QC, engine)}
    assert flagged == {"1", "3"}


def _rekey_review(data: Path, header: list[str], old: list[str], new: list[str]) -> None:
    """Give the phenotype row's review record (data/reviews/) the row's new key."""
    key = TABLES["phenotypes"].key
    review = data / "reviews" / "phenotypes.tsv"
    old_key = "\t".join(old[header.index(c)] for c in key) + "\t"
    new_key = "\t".join(new[header.index(c)] for c in key) + "\t"
    text = review.read_text(encoding="utf-8")
    assert text.count("\n" + old_key) == 1
    review.write_text(text.replace("\n" + old_key, "\n" + new_key), encoding="utf-8")


def test_a_count_of_0_with_excluded_passes_lint_and_validate(
    data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """HP:0040285 Excluded (0 %) is the one term a count of 0 fits; any other term does not."""
    path = data_copy / "phenotypes.tsv"
    lines = path.read_text(encoding="utf-8").split("\n")
    header = lines[0].split("\t")
    index = next(
        i
        for i, line in enumerate(lines[1:], 1)
        if line and line.split("\t")[header.index("has_count")]
    )
    original = lines[index].split("\t")
    cells = list(original)
    cells[header.index("has_count")] = "0"
    cells[header.index("frequency")] = "HP:0040285"
    lines[index] = "\t".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")
    _rekey_review(data_copy, header, original, cells)
    assert main(["lint", "--check", "--data", str(data_copy)]) == 0
    out = capsys.readouterr()
    assert "error" not in out.err, out.err
    assert main(["build", "--data", str(data_copy), "--no-export"]) == 0, capsys.readouterr().err
    capsys.readouterr()
    excluded = list(cells)
    cells[header.index("frequency")] = "HP:0040284"
    lines[index] = "\t".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")
    _rekey_review(data_copy, header, excluded, cells)
    assert main(["lint", "--check", "--data", str(data_copy)]) == 1
    assert "HP:0040284 does not fit 0/" in capsys.readouterr().err


@pytest.mark.parametrize("engine", ENGINES)
def test_a_threshold_equal_to_a_value_in_the_data_keeps_that_row(graph: Graph, engine: str) -> None:
    """``min_percentage`` is inclusive: a threshold equal to a measured value keeps its rows."""
    everything = run_query("manifestations-above-frequency", graph, engine=engine).dicts()
    measured = sorted({r["percentage"] for r in everything if r["basis"] == "measured"})
    assert len(measured) >= 3
    value = measured[len(measured) // 2]
    above = run_query(
        "manifestations-above-frequency", graph, engine=engine, min_percentage=value
    ).dicts()
    expected = [r for r in everything if r["percentage"] >= value]
    assert above == expected
    assert any(r["percentage"] == value for r in above)
    assert all(r["percentage"] >= value for r in above)
    assert len(above) < len(everything)
