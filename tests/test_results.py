"""Query results: one canonical form for both engines, Python values, and the output formats."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from rdflib import Literal, Namespace, URIRef

from ipexkg.identifiers import expand
from ipexkg.results import QueryResult, canonical_term, format_result, python_value

#: a plain namespace (rdflib's XSD class makes pytest's collection warn)
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")


@pytest.mark.parametrize(
    ("term", "lexical"),
    [
        (Literal("25", datatype=XSD.decimal), "25.0"),
        (Literal("25.0", datatype=XSD.decimal), "25.0"),
        (Literal("010.70", datatype=XSD.decimal), "10.7"),
        (Literal("-0.0", datatype=XSD.decimal), "0.0"),
        (Literal("007", datatype=XSD.integer), "7"),
        (Literal("1", datatype=XSD.boolean), "true"),
        (Literal("x", datatype=XSD.string), "x"),
    ],
)
def test_canonical_terms_have_one_lexical_form(term: Literal, lexical: str) -> None:
    out = canonical_term(term)
    assert str(out) == lexical
    if term.datatype == XSD.string:
        assert out.datatype is None  # simple literal, as rdflib has it


@pytest.mark.parametrize(
    ("term", "value"),
    [
        (expand("HP:0100651"), "HP:0100651"),
        (
            URIRef("http://example.org/not/in/the/prefix/map"),
            "http://example.org/not/in/the/prefix/map",
        ),
        (Literal(7), 7),
        (Literal("48.9", datatype=XSD.decimal), Decimal("48.9")),
        (Literal(True), True),
        (Literal("2012", datatype=XSD.gYear), 2012),
        (Literal("Frequent", lang="en"), "Frequent"),
        (None, None),
    ],
)
def test_python_values(term, value) -> None:  # type: ignore[no-untyped-def]
    assert python_value(canonical_term(term)) == value


RESULT = QueryResult(
    "SELECT",
    ("phenotype", "label", "percentage", "note"),
    (
        (
            expand("HP:0100651"),
            Literal("Type I diabetes mellitus", lang="en"),
            canonical_term(Literal("25", datatype=XSD.decimal)),
            None,
        ),
        (expand("HP:0000964"), Literal("Eczema | dermatitis"), None, Literal("a\tb\nc")),
    ),
)


def test_sparql_json_is_the_w3c_results_format() -> None:
    document = json.loads(format_result(RESULT, "json"))
    assert document["head"]["vars"] == ["phenotype", "label", "percentage", "note"]
    first, second = document["results"]["bindings"]
    assert first["phenotype"] == {"type": "uri", "value": str(expand("HP:0100651"))}
    assert first["label"] == {
        "type": "literal",
        "value": "Type I diabetes mellitus",
        "xml:lang": "en",
    }
    assert first["percentage"]["datatype"] == str(XSD.decimal)
    assert "note" not in first  # unbound
    assert second["label"] == {"type": "literal", "value": "Eczema | dermatitis"}


def test_csv_tsv_md_and_table() -> None:
    rows = list(csv.reader(io.StringIO(format_result(RESULT, "csv"))))
    assert rows[1] == ["HP:0100651", "Type I diabetes mellitus", "25.0", ""]
    assert rows[2][3] == "a\tb\nc"
    tsv = format_result(RESULT, "tsv").splitlines()
    assert tsv[2].split("\t") == ["HP:0000964", "Eczema | dermatitis", "", "a b c"]
    md = format_result(RESULT, "md").splitlines()
    assert md[0] == "| phenotype | label | percentage | note |"
    assert "Eczema \\| dermatitis" in md[3]
    table = format_result(RESULT, "table", width=10)
    assert "Type I di…" in table and table.endswith("(2 rows)\n")


def test_graph_formats_are_for_construct_only() -> None:
    with pytest.raises(ValueError, match="CONSTRUCT"):
        format_result(RESULT, "turtle")
    with pytest.raises(ValueError, match="unknown format"):
        format_result(RESULT, "xml")


def test_rows_and_dicts() -> None:
    assert RESULT.rows[0] == ("HP:0100651", "Type I diabetes mellitus", Decimal("25.0"), None)
    assert RESULT.dicts()[1]["phenotype"] == "HP:0000964"
    assert len(RESULT) == 2
