"""JSON-LD anywhere: the release's JSON-LD loads in rdflib, PyLD and jsonld.js with no loader.

Each processor gets a document loader that refuses every URL (or, for rdflib, none at all), so a
document that needed its context fetched would fail. Each must read the file to a graph
isomorphic to the built one. The compact file needs a JSON-LD 1.1 processor (its context uses
``@prefix``); the expanded file has no context and is read in JSON-LD 1.0 mode too.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld
from rdflib import Graph
from rdflib.compare import isomorphic

from ipexkg.export import CONTEXT_FILE, EXPANDED_JSONLD_FILE
from ipexkg.jsonld import context_document

JSONLD_JS = Path(__file__).parent / "jsonld-js"
FILES = ["ipexkg.jsonld", EXPANDED_JSONLD_FILE]


def _refuse(url: str, options: Any = None) -> dict[str, Any]:
    raise jsonld.JsonLdError(
        f"refused to load {url}: the document must load with no loader",
        "jsonld.LoadDocumentError",
        code="loading document failed",
    )


def _nquads_graph(text: str) -> Graph:
    return Graph().parse(data=text, format="nt")


def test_compact_file_carries_its_context_inline(release_dir: Path) -> None:
    document = json.loads((release_dir / "ipexkg.jsonld").read_text(encoding="utf-8"))
    assert document["@context"] == context_document()["@context"]
    assert (release_dir / CONTEXT_FILE).exists(), "the context file is still shipped on its own"
    assert "MONDO:0010580" in {node["@id"] for node in document["@graph"]}


def test_expanded_file_has_no_context_and_only_absolute_iris(release_dir: Path) -> None:
    text = (release_dir / EXPANDED_JSONLD_FILE).read_text(encoding="utf-8")
    document = json.loads(text)
    assert isinstance(document, list)
    assert "@context" not in text
    assert all(node["@id"].startswith(("http://", "https://")) for node in document)


@pytest.mark.parametrize("name", FILES)
def test_rdflib_reads_the_release_jsonld(name: str, release_dir: Path, graph: Graph) -> None:
    back = Graph().parse(release_dir / name, format="json-ld")
    assert isomorphic(back, graph)


@pytest.mark.parametrize("name", FILES)
def test_pyld_reads_the_release_jsonld_with_no_loader(
    name: str, release_dir: Path, graph: Graph
) -> None:
    document = json.loads((release_dir / name).read_text(encoding="utf-8"))
    options = {"format": "application/n-quads", "documentLoader": _refuse}
    assert isomorphic(_nquads_graph(jsonld.to_rdf(document, options)), graph)


def test_pyld_reads_the_expanded_file_as_jsonld_1_0(release_dir: Path, graph: Graph) -> None:
    document = json.loads((release_dir / EXPANDED_JSONLD_FILE).read_text(encoding="utf-8"))
    options = {
        "format": "application/n-quads",
        "documentLoader": _refuse,
        "processingMode": "json-ld-1.0",
    }
    assert isomorphic(_nquads_graph(jsonld.to_rdf(document, options)), graph)


def _jsonld_js() -> list[str]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: jsonld.js cannot run here")
    if not (JSONLD_JS / "node_modules" / "jsonld").is_dir():
        pytest.skip(f"jsonld.js is not installed: run 'npm ci --prefix {JSONLD_JS}' (.ci/run does)")
    return [node, str(JSONLD_JS / "to-nquads.js")]


@pytest.mark.parametrize("name", FILES)
def test_jsonld_js_reads_the_release_jsonld_in_safe_mode(
    name: str, release_dir: Path, graph: Graph
) -> None:
    command = _jsonld_js()
    done = subprocess.run(
        [*command, str(release_dir / name)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert isomorphic(_nquads_graph(done.stdout), graph)
