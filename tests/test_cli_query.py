"""The ``ipexkg query`` command, run in-process: list, run, formats, engines, files, errors."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from rdflib import Graph

from ipexkg.cli import main
from ipexkg.export import write_turtle
from ipexkg.identifiers import expand
from ipexkg.queries import catalogue, run_query


def _ad_hoc_on_both_engines(query: Path, data: Path, fmt: str, capsys) -> list[str]:  # type: ignore[no-untyped-def]
    """Run ``ipexkg query --file`` on rdflib and on Oxigraph; return both outputs."""
    outputs = []
    for engine in ("rdflib", "oxigraph"):
        argv = ["query", "--file", str(query), "--graph", str(data), "--engine", engine, "-f", fmt]
        assert main(argv) == 0
        outputs.append(capsys.readouterr().out)
    return outputs


def test_list_shows_every_query_with_summary_and_parameters(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["query", "--list"]) == 0
    out = capsys.readouterr().out
    for query in catalogue().values():
        assert query.name in out and query.summary in out
    assert "min_percentage (number)" in out
    assert "subject (iri, required)" in out


def test_list_as_tsv(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["query", "--list", "--format", "tsv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "name\tkind\tparameters\tsummary"
    assert len(lines) == len(catalogue()) + 1


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json", "md"])
@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_query_in_every_format(fmt: str, engine: str, capsys) -> None:  # type: ignore[no-untyped-def]
    argv = ["query", "manifestations-by-organ", "-p", "organ=UBERON:0002046", "-f", fmt]
    assert main([*argv, "--engine", engine]) == 0
    out = capsys.readouterr().out
    expected = [
        (r["phenotype"], r["phenotype_label"])
        for r in run_query("manifestations-by-organ", organ="UBERON:0002046").dicts()
    ]
    assert ("HP:0000821", "Hypothyroidism") in expected
    if fmt == "json":
        bindings = json.loads(out)["results"]["bindings"]
        got = [(b["phenotype"]["value"], b["phenotype_label"]["value"]) for b in bindings]
        assert got == [(str(expand(curie)), label) for curie, label in expected]
        return
    lines = out.strip("\n").splitlines()
    if fmt in ("csv", "tsv"):
        rows = list(csv.DictReader(lines, delimiter="," if fmt == "csv" else "\t"))
    elif fmt == "md":
        cells = [[c.strip() for c in ln.strip("|").split("|")] for ln in lines if "---" not in ln]
        rows = [dict(zip(cells[0], c, strict=True)) for c in cells[1:]]
    else:  # table: columns padded with spaces, a dashed rule under the header gives their spans
        assert lines[-1] == f"({len(expected)} rows)"
        spans = [m.span() for m in re.finditer(r"-+", lines[1])]
        body = [ln for ln in lines[:-1] if not ln.startswith("-")]
        cells = [[ln[a:b].strip() for a, b in spans] for ln in body]
        rows = [dict(zip(cells[0], c, strict=True)) for c in cells[1:]]
    got = [(r["phenotype"], r["phenotype_label"]) for r in rows]
    assert got == expected


def test_construct_as_turtle_and_json_ld(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["query", "disease-card"]) == 0
    turtle = capsys.readouterr().out
    assert Graph().parse(data=turtle, format="turtle")
    assert main(["query", "disease-card", "--format", "json"]) == 0
    jsonld = capsys.readouterr().out
    assert len(Graph().parse(data=jsonld, format="json-ld")) == len(
        Graph().parse(data=turtle, format="turtle")
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["query", "no-such-query"], "no stored query named"),
        (["query", "manifestations", "-p", "phenotype=FOO:1"], "unknown prefix"),
        (["query", "manifestations", "-p", "colour=red"], "has no parameter 'colour'"),
        (["query", "manifestations", "-p", "phenotype"], "KEY=VALUE"),
        (["query", "manifestations-above-frequency", "-p", "min_percentage=lots"], "a number"),
        (["query", "publications-for-fact"], "requires the parameter 'subject'"),
        (["query", "causal-gene", "--format", "turtle"], "does not fit a SELECT"),
        (["query"], "exactly one of"),
        (["query", "causal-gene", "--list"], "exactly one of"),
    ],
)
def test_errors_are_one_clear_line_with_exit_code_2(argv, message, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_injection_attempt_is_rejected_for_an_iri_parameter(capsys) -> None:  # type: ignore[no-untyped-def]
    argv = ["query", "manifestations-by-organ", "-p", "organ=x> } ; DROP ALL #"]
    assert main(argv) == 2
    assert "neither a CURIE" in capsys.readouterr().err


def test_adhoc_file_on_a_graph_file_with_both_engines(tmp_path: Path, graph: Graph, capsys) -> None:  # type: ignore[no-untyped-def]
    data = write_turtle(graph, tmp_path / "ipexkg.ttl")
    query = tmp_path / "genes.rq"
    query.write_text(
        "PREFIX biolink: <https://w3id.org/biolink/vocab/>\n"
        "SELECT ?gene WHERE { ?gene a biolink:Gene } ORDER BY ?gene\n",
        encoding="utf-8",
    )
    outputs = _ad_hoc_on_both_engines(query, data, "tsv", capsys)
    assert outputs[0] == outputs[1]
    assert outputs[0].splitlines() == [
        "gene",
        "HGNC:11367",
        "HGNC:6008",
        "HGNC:6106",
        "MGI:1891436",
    ]


def test_adhoc_service_query_is_refused(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    query = tmp_path / "remote.rq"
    query.write_text("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    assert main(["query", "--file", str(query)]) == 2
    assert "SERVICE is refused" in capsys.readouterr().err


def test_export_catalogue_and_out(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "catalogue.ttl"
    assert main(["query", "--export-catalogue", str(target)]) == 0
    assert f"({len(catalogue())} queries)" in capsys.readouterr().out
    assert len(Graph().parse(target)) > 5 * len(catalogue())
    out = tmp_path / "rows.csv"
    assert main(["query", "curative-treatment", "-f", "csv", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("treatment,treatment_label,")


def test_quads_files_are_read_into_the_default_graph_by_both_engines(
    tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data.nq"
    data.write_text(
        "<http://e/a> <http://e/p> <http://e/b> <http://e/g1> .\n"
        "<http://e/a> <http://e/p> <http://e/b> <http://e/g2> .\n"
        "<http://e/c> <http://e/p> <http://e/d> .\n",
        encoding="utf-8",
    )
    query = tmp_path / "all.rq"
    query.write_text("SELECT ?s ?o WHERE { ?s <http://e/p> ?o } ORDER BY ?s ?o\n", encoding="utf-8")
    outputs = _ad_hoc_on_both_engines(query, data, "csv", capsys)
    assert outputs[0] == outputs[1] == "s,o\nhttp://e/a,http://e/b\nhttp://e/c,http://e/d\n"
