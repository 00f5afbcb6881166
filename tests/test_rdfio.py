"""Reading RDF files: every kind of unreadable input is a clear InputError, never a fetch."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipexkg.errors import InputError
from ipexkg.jsonld import CONTEXT_IRI, context_text
from ipexkg.rdfio import read_rdf
from ipexkg.resources import top_level_dir

CASES = {
    "turtle-syntax.ttl": (
        b"@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:a ex:b\n ex:c ex:d .",
        ":4:",
    ),
    "ntriples-syntax.nt": (
        b"<http://a> <http://b> <http://c> .\n<http://a> <http://b> c .\n",
        ":2:1:",
    ),
    "rdfxml-syntax.rdf": (
        b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>\n<rdf:Description>\n"
        b"</rdf:RDF>",
        ":3:",
    ),
    "jsonld-syntax.jsonld": (b'{"@id": "http://a",\n "http://b": [1,}', ":2:17:"),
    "nquads-syntax.nq": (
        b"<http://a> <http://b> <http://c> <http://g> .\n<http://a> <http://b>\n",
        ":2:1:",
    ),
    "remote-context.jsonld": (b'{"@context": "https://schema.org/", "@id": "http://a"}', "remote"),
    "remote-import.jsonld": (
        b'{"@context": {"@import": "https://x.org/c"}, "@id": "http://a"}',
        "remote",
    ),
    "external-entity.rdf": (
        b'<!DOCTYPE r [<!ENTITY e SYSTEM "http://x.org/e">]>\n<rdf:RDF '
        b"xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'/>",
        "external XML entity",
    ),
    "empty.ttl": (b"  \n", "empty"),
    "binary.nt": (b"\x00\x01\x02", "binary"),
    "latin1.ttl": (b'<http://a> <http://b> "caf\xe9" .', "UTF-8"),
    "unknown.txt": (b"<http://a> <http://b> <http://c> .", "unknown RDF format"),
}


@pytest.mark.parametrize("name", sorted(CASES), ids=lambda n: n)
def test_unreadable_input_is_a_clear_error(tmp_path: Path, name: str) -> None:
    data, needle = CASES[name]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        read_rdf(path)
    assert str(path) in str(info.value)
    assert needle in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_rdf(tmp_path / "nope.ttl")


def test_own_context_resolves_offline(tmp_path: Path) -> None:
    path = tmp_path / "card.jsonld"
    document = (
        f'{{"@context": "{CONTEXT_IRI}", "@id": "MONDO:0010580", '
        '"biolink:has_phenotype": {"@id": "HP:0002028"}}'
    )
    path.write_text(document, encoding="utf-8")
    triples = set(read_rdf(path).triples((None, None, None)))
    assert len(triples) == 1
    (s, _, o) = next(iter(triples))
    assert str(s) == "http://purl.obolibrary.org/obo/MONDO_0010580"
    assert str(o) == "http://purl.obolibrary.org/obo/HP_0002028"


def test_shipped_context_file_is_current() -> None:
    shipped = top_level_dir("ontology") / "ipexkg.context.jsonld"
    assert shipped.read_text(encoding="utf-8") == context_text()
