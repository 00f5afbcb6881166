"""ipexkg diff: facts added, removed and changed, matched by their stable association IRIs."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF

from ipexkg.cli import main
from ipexkg.diff import CHANGES_MD, CHANGES_TSV, changelog_markdown, changelog_tsv, diff_graphs
from ipexkg.export import serialize_ntriples
from ipexkg.jsonld import compact_iri
from ipexkg.namespaces import BIOLINK


def _copy(graph: Graph) -> Graph:
    out = Graph()
    for triple in graph:
        out.add(triple)
    return out


def _associations(graph: Graph) -> list:  # type: ignore[type-arg]
    return sorted(set(graph.subjects(RDF.predicate, None)), key=str)


def test_a_graph_against_itself_has_no_changes(graph: Graph) -> None:
    log = diff_graphs(graph, graph)
    assert log.changes == ()
    assert log.old_facts == log.new_facts == len(_associations(graph))


def test_removed_added_and_changed_facts_are_found(graph: Graph) -> None:
    old = _copy(graph)
    gone = _associations(graph)[0]
    for triple in list(old.triples((gone, None, None))):
        old.remove(triple)  # in the new graph only: added
    counted = next(iter(graph.subjects(BIOLINK.has_count, None)))
    new = _copy(graph)
    count = new.value(counted, BIOLINK.has_count)
    new.set((counted, BIOLINK.has_count, Literal(int(count) + 1)))  # type: ignore[arg-type]
    dropped = _associations(graph)[-1]
    for triple in list(new.triples((dropped, None, None))):
        new.remove(triple)
    log = diff_graphs(old, new)
    kinds = {(c.kind, c.association, c.property) for c in log.changes}
    assert kinds == {
        ("added", compact_iri(str(gone)), ""),
        ("removed", compact_iri(str(dropped)), ""),
        ("changed", compact_iri(str(counted)), "biolink:has_count"),
    }
    change = next(c for c in log.changes if c.kind == "changed")
    assert change.old == (str(count),) and change.new == (str(int(count) + 1),)  # type: ignore[arg-type]
    text = changelog_markdown(log, "old", "new")
    assert "Added 1, removed 1, changed 1 (1 property changes)" in text
    rows = changelog_tsv(log).splitlines()
    assert rows[0].split("\t") == [
        "change",
        "association",
        "subject",
        "predicate",
        "object",
        "property",
        "old",
        "new",
    ]
    assert len(rows) == 4


def test_cli_diff_reads_two_files(
    graph: Graph, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = _copy(graph)
    gone = _associations(graph)[0]
    for triple in list(old.triples((gone, None, None))):
        old.remove(triple)
    (tmp_path / "old.nt").write_text(serialize_ntriples(old), encoding="utf-8")
    (tmp_path / "new.nt").write_text(serialize_ntriples(graph), encoding="utf-8")
    assert (
        main(["diff", str(tmp_path / "old.nt"), str(tmp_path / "new.nt"), "--format", "tsv"]) == 0
    )
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 and out[1].startswith(f"added\t{compact_iri(str(gone))}\t")


def test_cli_diff_names_a_missing_release(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff", str(tmp_path), str(tmp_path)]) == 2
    assert "ipexkg.nt" in capsys.readouterr().err


def test_each_release_carries_its_changelog(release_dir: Path, graph: Graph) -> None:
    tsv = (release_dir / CHANGES_TSV).read_text(encoding="utf-8").splitlines()
    assert len(tsv) - 1 == len(_associations(graph))
    assert all(row.startswith("added\t") for row in tsv[1:])
    assert "# Changes from nothing to ipexkg" in (release_dir / CHANGES_MD).read_text(
        encoding="utf-8"
    )


def test_citation_cff_names_this_version() -> None:
    import yaml

    from ipexkg import __version__

    cff = yaml.safe_load((Path(__file__).parent.parent / "CITATION.cff").read_text("utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert cff["version"] == __version__
    assert {"message", "title", "authors", "license"} <= set(cff)
