"""The export, release and convert commands, run in-process through ``main``."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from rdflib import RDF, Graph
from rdflib.compare import isomorphic

from ipexkg import __version__
from ipexkg.cli import main
from ipexkg.export import CONTEXT_FILE, serialize_turtle
from ipexkg.hpo import hpo_annotations
from ipexkg.identifiers import compress
from ipexkg.rdfio import read_rdf


def _graph(path: Path) -> Graph:
    graph = Graph()
    for triple in read_rdf(path).triples((None, None, None)):
        graph.add(triple)
    return graph


def test_export_writes_the_chosen_formats(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], graph: Graph
) -> None:
    assert main(["export", "--format", "ttl", "jsonld", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        CONTEXT_FILE,
        "ipexkg.expanded.jsonld",
        "ipexkg.jsonld",
        "ipexkg.ttl",
    ]
    assert "wrote" in capsys.readouterr().out
    assert isomorphic(_graph(tmp_path / "ipexkg.jsonld"), graph)


def test_export_expanded_jsonld(tmp_path: Path, graph: Graph) -> None:
    assert (
        main(["export", "--format", "jsonld", "--jsonld-form", "expanded", "--out", str(tmp_path)])
        == 0
    )
    assert [p.name for p in tmp_path.iterdir()] == ["ipexkg.jsonld"]
    document = json.loads((tmp_path / "ipexkg.jsonld").read_text(encoding="utf-8"))
    # expanded form: a list of node objects with full IRIs and no context
    assert isinstance(document, list)
    assert all("@context" not in node and node["@id"].startswith("http") for node in document)
    assert isomorphic(_graph(tmp_path / "ipexkg.jsonld"), graph)


def test_export_rejects_an_unknown_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["export", "--format", "csv", "--out", str(tmp_path)])
    assert exit_info.value.code == 2
    assert "invalid choice: 'csv'" in capsys.readouterr().err


def test_release_lists_sizes_and_checksums(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["release", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"release {__version__} in {tmp_path} (")
    assert out[0].endswith(" triples)")
    listed = {}
    for line in out[1:]:
        size, digest, name = line.split()
        listed[name] = (int(size), digest)
    on_disk = {p.name for p in tmp_path.iterdir() if p.is_file()}
    assert set(listed) == on_disk
    assert {"SHA256SUMS", "ipexkg.ttl", "ipexkg.void.ttl"} <= on_disk
    for name, (size, digest) in listed.items():
        data = (tmp_path / name).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (size, digest), name


# rdflib's own N-Quads/TriG readers warn about their deprecated Dataset API once per triple
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("target", ["x.nt", "x.jsonld", "x.rdf", "x.trig", "x.nq", "x.ttl"])
def test_convert_between_formats_keeps_the_triples(
    tmp_path: Path, target: str, graph: Graph
) -> None:
    source = tmp_path / "in.ttl"
    source.write_text(serialize_turtle(graph), encoding="utf-8")
    assert main(["convert", str(source), str(tmp_path / target)]) == 0
    assert isomorphic(_graph(tmp_path / target), graph)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad.ttl", "<a> <b> .\n", "bad.ttl:1:"),
        ("bad.nt", "<http://a> <http://b> <http://c> .\n<oops\n", "bad.nt:2:1"),
        ("bad.jsonld", '{"@id": "x",\n  oops}', "bad.jsonld:2:3: JSON syntax error"),
        ("empty.ttl", "", "the file is empty"),
        (
            "remote.jsonld",
            '{"@context": "https://example.org/c.jsonld"}',
            "remote JSON-LD @context",
        ),
    ],
    ids=["turtle", "ntriples", "jsonld", "empty", "remote-context"],
)
def test_convert_reports_unreadable_input_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, message: str
) -> None:
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    assert main(["convert", str(source), str(tmp_path / "out.nt")]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "out.nt").exists()


def test_convert_refuses_an_unknown_output_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.nt"
    source.write_text("<http://a> <http://b> <http://c> .\n", encoding="utf-8")
    assert main(["convert", str(source), str(tmp_path / "out.csv")]) == 2
    assert "unknown RDF format '.csv'" in capsys.readouterr().err


def test_convert_hpoa_for_one_disease(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "ipex-hpoa.ttl"
    assert main(["convert-hpoa", "--disease", "OMIM:304790", str(target)]) == 0
    assert "from 31 of 31 annotation rows" in capsys.readouterr().out
    converted = _graph(target)
    objects = {compress(str(o)) for o in converted.objects(None, RDF.object)}
    rows = hpo_annotations("OMIM:304790")
    assert len(rows) == 31
    assert {row.hpo_id for row in rows} <= objects


def test_convert_hpoa_unknown_disease(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert-hpoa", "--disease", "OMIM:000000", str(tmp_path / "x.nt")]) == 2
    assert "no annotation rows for OMIM:000000" in capsys.readouterr().err
