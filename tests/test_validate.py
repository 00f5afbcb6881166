"""validate_graph and 'ipexkg validate': the built graph conforms, reports name rows, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

from ipexkg import validate_graph
from ipexkg.build import BuildResult
from ipexkg.cli import main
from ipexkg.namespaces import BIOLINK
from ipexkg.queries import StoredQuery, run_stored_query
from ipexkg.rdfio import read_rdf
from ipexkg.validate import QC, ValidationResult, load_qc_queries

FIXTURES = Path(__file__).parent / "fixtures"
SRC = Path(__file__).resolve().parents[1] / "src"
HP = "http://purl.obolibrary.org/obo/HP_"
#: the one publication whose title could not be verified (README, "Known gaps")
TITLE_UNVERIFIED = "PMID:30385752"
QUERIES = load_qc_queries()


@pytest.fixture(scope="module")
def validated(built: BuildResult) -> ValidationResult:
    return validate_graph(built.graph, origins=built.origins)


def _copy(graph: Graph) -> Graph:
    out = Graph()
    for triple in graph:
        out.add(triple)
    return out


def test_built_graph_conforms_with_only_the_known_warning(validated: ValidationResult) -> None:
    assert validated.conforms
    assert validated.violations == ()
    assert [(f.focus, f.shape) for f in validated.warnings] == [
        (TITLE_UNVERIFIED, "ipexsh:PublicationShape-title")
    ]
    assert validated.summary.startswith("conforms: 0 violations, 1 warning (")


def test_findings_name_the_curated_row(validated: ValidationResult, dataset) -> None:
    (warning,) = validated.warnings
    line = next(r.line for r in dataset.rows("publications") if r["id"] == TITLE_UNVERIFIED)
    assert warning.origin == f"data/publications.tsv:{line}"
    assert f"[data/publications.tsv:{line}]" in validated.text


def test_report_graph_is_a_shacl_validation_report(validated: ValidationResult) -> None:
    report = validated.report_graph
    (node,) = report.subjects(RDF.type, SH.ValidationReport)
    assert report.value(node, SH.conforms) == Literal(True)
    assert len(list(report.objects(node, SH.result))) == len(validated.results)


def test_a_broken_node_is_reported_with_its_label_and_row(built: BuildResult, dataset) -> None:
    graph = _copy(built.graph)
    phenotype = URIRef(HP + "0000099")
    graph.remove((phenotype, RDF.type, None))
    graph.add((phenotype, RDF.type, BIOLINK.Attribute))
    result = validate_graph(graph, origins=built.origins)
    assert not result.conforms
    (finding,) = [f for f in result.violations if f.shape == "ipexsh:HasPhenotypeShape-object"]
    line = next(r.line for r in dataset.rows("nodes") if r["id"] == "HP:0000099")
    assert finding.focus == "HP:0000099"
    assert finding.label == "Glomerulonephritis"
    assert finding.path == "rdf:type"
    assert finding.value == "biolink:Attribute"
    assert finding.origin == f"data/nodes.tsv:{line}"
    assert "HP:0000099  Glomerulonephritis  [data/nodes.tsv:" in result.text
    assert result.summary.startswith("does not conform: 2 violations")


def test_a_broken_association_is_reported_with_its_fact_and_row(
    built: BuildResult, dataset
) -> None:
    graph = _copy(built.graph)
    node, row = next(
        (n, o)
        for n, o in built.origins.items()
        if o.path == "data/phenotypes.tsv" and (n, BIOLINK.has_count, None) in graph
    )
    graph.set((node, BIOLINK.has_count, Literal(-1)))
    result = validate_graph(graph, origins=built.origins)
    shapes = {f.shape for f in result.violations}
    assert "ipexsh:AssociationShape-count" in shapes
    finding = next(f for f in result.violations if f.shape == "ipexsh:AssociationShape-count")
    assert finding.origin == str(row)
    assert finding.label is not None and "biolink:has_phenotype" in finding.label
    assert finding.value == '"-1"^^xsd:integer'


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_qc_query_is_well_formed(query: StoredQuery) -> None:
    assert query.name.endswith("-violation")
    assert query.kind == "qc" and query.expect == "none"
    assert "qc" in query.tags and query.params == ()
    assert len(query.summary) > 40
    assert query.text.rstrip().splitlines()[-1].startswith("ORDER BY")
    assert "?focus" in query.text


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_qc_query_returns_no_row_on_the_built_graph(query: StoredQuery, graph: Graph) -> None:
    assert list(run_stored_query(query, graph)) == []


def _fixtures_breaking(name: str) -> list[Path]:
    return [
        p
        for p in sorted((FIXTURES / "invalid").glob("*.ttl"))
        if f" qc:{name} |" in p.read_text(encoding="utf-8")
    ]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_qc_query_returns_rows_on_a_fixture_made_to_break_it(query: StoredQuery) -> None:
    fixtures = _fixtures_breaking(query.name)
    assert fixtures, f"no invalid fixture expects qc:{query.name}"
    for path in fixtures:
        graph = Graph()
        for triple in read_rdf(path).triples((None, None, None)):
            graph.add(triple)
        rows = list(run_stored_query(query, graph))
        assert rows, path.name
        result = validate_graph(graph)
        assert any(f.shape == f"qc:{query.name}" for f in result.violations)
        assert (None, SH.sourceShape, QC[query.name]) in result.report_graph


# ----------------------------------------------------------------------------------------------
# the command line
# ----------------------------------------------------------------------------------------------

BROKEN = FIXTURES / "invalid" / "08-count-exceeds-total.ttl"


def test_cli_validates_the_built_graph(capsys) -> None:
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().splitlines()[-1].startswith("conforms: 0 violations, 1 warning")
    assert TITLE_UNVERIFIED in out


def test_cli_reports_a_broken_file_and_exits_1(capsys) -> None:
    assert main(["validate", str(BROKEN)]) == 1
    out = capsys.readouterr().out
    assert "ipexkg:association/invalid-08-causes  " in out
    assert "HGNC:6106 (FOXP3) biolink:causes MONDO:0010580" in out
    assert 'qc:count-exceeds-total-violation  biolink:has_count = "15"^^xsd:integer' in out
    assert "cannot exceed its total" in out
    assert out.rstrip().splitlines()[-1].startswith("does not conform: 1 violation, 0 warnings")


@pytest.mark.parametrize("fmt", ["ttl", "json"])
def test_cli_writes_the_report_graph_for_machines(fmt: str, capsys) -> None:
    assert main(["validate", "--format", fmt, str(BROKEN)]) == 1
    captured = capsys.readouterr()
    if fmt == "json":
        json.loads(captured.out)
    report = Graph().parse(data=captured.out, format="turtle" if fmt == "ttl" else "json-ld")
    (node,) = report.subjects(RDF.type, SH.ValidationReport)
    assert report.value(node, SH.conforms) == Literal(False)
    assert captured.err.startswith("does not conform: 1 violation")


def test_cli_report_graph_is_byte_stable(capsys) -> None:
    outputs = []
    for _ in range(2):
        main(["validate", "--format", "ttl", str(BROKEN)])
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize("suffix", [".ttl", ".nt", ".jsonld", ".rdf", ".trig", ".nq"])
def test_cli_reads_every_format_from_the_extension(suffix: str, tmp_path: Path) -> None:
    graph = Graph()
    for path in sorted((FIXTURES / "valid").glob("0[1-3]-*.ttl")):
        graph.parse(path, format="turtle")
    formats = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".rdf": "xml"}
    target = tmp_path / f"graph{suffix}"
    if suffix in formats:
        graph.serialize(target, format=formats[suffix])
    else:
        from rdflib import Dataset

        ds = Dataset()
        named = ds.graph(URIRef("https://w3id.org/ipexkg/graph/test"))
        for triple in graph:
            named.add(triple)
        ds.serialize(target, format="trig" if suffix == ".trig" else "nquads")
    assert main(["validate", str(target)]) == 0


def test_cli_resolves_the_packages_own_jsonld_context_locally(tmp_path: Path, capsys) -> None:
    from ipexkg.jsonld import CONTEXT_IRI

    graph = Graph().parse(FIXTURES / "valid" / "03-causal-gene-with-fraction.ttl")
    document = json.loads(graph.serialize(format="json-ld"))
    path = tmp_path / "own-context.jsonld"
    path.write_text(json.dumps({"@context": CONTEXT_IRI, "@graph": document}), encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    assert "conforms: 0 violations" in capsys.readouterr().out


def test_cli_validates_the_union_of_several_files(capsys) -> None:
    files = [str(p) for p in sorted((FIXTURES / "valid").glob("*.ttl"))]
    assert main(["validate", *files]) == 0
    assert "conforms: 0 violations, 0 warnings" in capsys.readouterr().out


def _unreadable(tmp_path: Path, kind: str) -> tuple[Path, str]:
    path = tmp_path / {"empty": "e.ttl", "binary": "b.ttl", "unknown": "g.xyz"}.get(kind, "x.ttl")
    if kind == "empty":
        path.write_text("")
        return path, "the file is empty"
    if kind == "binary":
        path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
        return path, "binary content"
    if kind == "unknown":
        path.write_text("<a> <b> <c> .")
        return path, "unknown RDF format"
    if kind == "missing":
        return tmp_path / "nope.ttl", "no such file"
    if kind == "syntax":
        path.write_text("@prefix ex: <http://example.org/> .\n\nex:a ex:b ex:c ;\n  ex:d .\n")
        return path, "x.ttl:4:"
    path = tmp_path / "remote.jsonld"
    path.write_text('{"@context": "https://schema.org/", "@id": "http://x/a", "name": "A"}')
    return path, "remote JSON-LD @context"


KINDS = ["empty", "binary", "unknown", "missing", "syntax", "remote-context"]


@pytest.mark.parametrize("kind", KINDS)
def test_cli_exits_2_on_unreadable_input(kind: str, tmp_path: Path, capsys) -> None:
    path, words = _unreadable(tmp_path, kind)
    assert main(["validate", str(path)]) == 2
    captured = capsys.readouterr()
    assert words in captured.err
    assert captured.out == ""


def _validate_in_a_real_process(path: Path) -> subprocess.CompletedProcess[str]:
    """Run ``python -m ipexkg validate PATH`` in a new interpreter, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "ipexkg", "validate", str(path)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(SRC)},
    )


@pytest.mark.parametrize("kind", ["syntax", "binary", "remote-context"])
def test_unreadable_input_gives_no_traceback_in_a_real_process(kind: str, tmp_path: Path) -> None:
    path, words = _unreadable(tmp_path, kind)
    proc = _validate_in_a_real_process(path)
    assert proc.returncode == 2
    assert words in proc.stderr
    assert "Traceback" not in proc.stderr


def test_broken_literals_are_reported_without_a_traceback(tmp_path: Path) -> None:
    text = BROKEN.read_text(encoding="utf-8").replace(
        "biolink:has_count 15 ;", 'biolink:has_count "fifteen"^^xsd:integer ;'
    )
    path = tmp_path / "bad-literal.ttl"
    path.write_text(text, encoding="utf-8")
    proc = _validate_in_a_real_process(path)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "ipexsh:AssociationShape-count" in proc.stdout


def test_label_of_an_association_is_the_fact_it_states(validated, built: BuildResult) -> None:
    node = next(n for n, o in built.origins.items() if o.path == "data/phenotypes.tsv")
    graph = _copy(built.graph)
    graph.remove((node, RDFS.label, None))
    graph.remove((node, BIOLINK.has_evidence, None))
    result = validate_graph(graph, origins=built.origins)
    (finding,) = [f for f in result.violations if f.shape == "ipexsh:AssociationShape-evidence"]
    assert finding.label is not None and finding.label.startswith("MONDO:0010580 (")
    assert "biolink:has_phenotype HP:" in finding.label
