"""SSSOM: the release's mapping table passes ``sssom validate`` and ``sssom convert`` to RDF.

The commands are the sssom package's own command line (its click entry point, run in-process);
the RDF it writes must expand every CURIE with the mapping set's curie_map, ICD-10 included
(Bioregistry's expansion, not the ICD-9-CM address of the pinned Biolink map).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL

from ipexkg.identifiers import expand, prefix_map
from ipexkg.release import SSSOM_FILE, SSSOM_PREFIX_OVERRIDES

sssom_cli = pytest.importorskip(
    "sssom.cli", reason="sssom is not installed (pip install -e '.[dev]')"
)
click_testing = pytest.importorskip("click.testing")


def _run(*args: str) -> str:
    result = click_testing.CliRunner().invoke(sssom_cli.main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return str(result.output)


def _curie_map(path: Path) -> dict[str, str]:
    out = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index("# curie_map:")
    for line in lines[start + 1 :]:
        if not line.startswith("#   "):
            break
        prefix, _, iri = line[4:].partition(": ")
        out[prefix] = iri
    return out


def test_sssom_validate_accepts_the_release_table(release_dir: Path) -> None:
    assert _run("validate", str(release_dir / SSSOM_FILE)).strip() == ""


def test_curie_map_is_biolinks_except_the_documented_overrides(release_dir: Path) -> None:
    curie_map = _curie_map(release_dir / SSSOM_FILE)
    pinned = prefix_map().prefixes
    for prefix, iri in curie_map.items():
        assert iri == SSSOM_PREFIX_OVERRIDES.get(prefix, pinned[prefix]), prefix
    assert curie_map["ICD10"] == "http://identifiers.org/icd/"
    assert "icd9" not in curie_map["ICD10"]


def test_sssom_convert_gives_rdf_with_every_mapping(release_dir: Path, tmp_path: Path) -> None:
    table = release_dir / SSSOM_FILE
    out = tmp_path / "mappings.ttl"
    _run("convert", str(table), "--output-format", "rdf", "--output", str(out))
    graph = Graph().parse(out, format="turtle")
    curie_map = _curie_map(table)
    lines = [
        line.split("\t")
        for line in table.read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
    ]
    header, rows = lines[0], lines[1:]
    assert rows
    targets = set(graph.objects(None, OWL.annotatedTarget))
    for row in rows:
        record = dict(zip(header, row, strict=True))
        prefix, _, local = record["object_id"].partition(":")
        assert URIRef(curie_map[prefix] + local) in targets, record["object_id"]
    assert URIRef("http://identifiers.org/icd/E31.0") in targets
    assert expand("MONDO:0010580") in set(graph.objects(None, OWL.annotatedSource))
