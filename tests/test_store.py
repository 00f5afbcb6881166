"""The on-disk store of the package graph: built once, reopened read-only, keyed by its inputs."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from ipexkg.errors import InputError, OutputError
from ipexkg.queries import catalogue, parse_stored_query, run_query
from ipexkg.results import format_result
from ipexkg.store import cache_key, open_store, package_store, write_store


@pytest.fixture(scope="module")
def cached(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package store built once into a fresh cache folder."""
    return package_store(tmp_path_factory.mktemp("cache"))


def test_store_holds_the_built_graph(cached: Path, graph: Graph) -> None:
    store = open_store(cached)
    assert len(store) == len(graph)
    ipex = ox.NamedNode("http://purl.obolibrary.org/obo/MONDO_0010580")
    assert any(True for _ in store.quads_for_pattern(ipex, None, None))


def test_second_call_reuses_the_store(cached: Path) -> None:
    stamp = (cached / "oxigraph").stat().st_mtime_ns
    again = package_store(cached.parent)
    assert again == cached
    assert (cached / "oxigraph").stat().st_mtime_ns == stamp
    assert [p.name for p in cached.parent.iterdir()] == [cached.name]


def test_store_opens_read_only(cached: Path) -> None:
    store = open_store(cached)
    with pytest.raises(RuntimeError, match="read-write"):
        store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.Literal("c")))


def test_cache_key_changes_with_a_table(data_copy: Path) -> None:
    assert cache_key(data_copy) == cache_key()
    table = data_copy / "nodes.tsv"
    table.write_text(table.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert cache_key(data_copy) != cache_key()


def test_changed_table_builds_a_new_store(data_copy: Path, cached: Path, tmp_path: Path) -> None:
    table = data_copy / "nodes.tsv"
    lines = table.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split("\t")
    column = header.index("description")
    row = next(i for i, line in enumerate(lines[1:], 1) if line.split("\t")[column].strip())
    cells = lines[row].rstrip("\n").split("\t")
    cells[column] = cells[column] + " (edited)"
    lines[row] = "\t".join(cells) + "\n"
    table.write_text("".join(lines), encoding="utf-8")
    fresh = package_store(tmp_path, data=data_copy)
    assert fresh.name != cached.name
    answer = open_store(fresh).query(
        'ASK { ?s <http://purl.org/dc/terms/description> ?d FILTER(STRENDS(STR(?d), "(edited)")) }'
    )
    assert bool(answer)


def test_concurrent_writer_keeps_the_first_store(tmp_path: Path) -> None:
    quad = ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.Literal("c"))
    first = write_store(tmp_path / "s", [quad])
    second = write_store(tmp_path / "s", [quad, quad])
    assert first == second
    assert len(open_store(first)) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["s"]


def test_open_store_refuses_other_folders(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such store folder"):
        open_store(tmp_path / "missing")
    with pytest.raises(InputError, match="not an ipexkg store"):
        open_store(tmp_path)


# --- the cold-start path: one query file read alone, run by Oxigraph on the cached store -------

_CQ = sorted((q for q in catalogue().values() if q.kind == "cq"), key=lambda q: q.name)
_CASES = [(q.name, "all") for q in _CQ if not q.required] + [
    (q.name, "example") for q in _CQ if q.example
]
_GOLDEN = Path(__file__).parent / "golden" / "queries"


@pytest.mark.parametrize("name", sorted(catalogue()))
def test_query_read_alone_has_the_catalogue_form(name: str) -> None:
    query = parse_stored_query(catalogue()[name].path, check=False)
    assert not query.checked
    assert query.form == catalogue()[name].form


@pytest.mark.parametrize(("name", "case"), _CASES, ids=[f"{n}-{c}" for n, c in _CASES])
def test_cached_store_gives_the_golden_answers(name: str, case: str, cached: Path) -> None:
    query = parse_stored_query(catalogue()[name].path, check=False)
    params = dict(query.example) if case == "example" else {}
    result = run_query(query, open_store(cached), engine="oxigraph", **params)
    text = format_result(result, "turtle" if result.form == "CONSTRUCT" else "tsv")
    suffix = "" if case == "all" else "--example"
    ext = "ttl" if query.form == "CONSTRUCT" else "tsv"
    assert text == (_GOLDEN / f"{name}{suffix}.{ext}").read_text(encoding="utf-8")


def test_a_damaged_store_is_a_clear_error(tmp_path: Path) -> None:
    quad = ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.Literal("c"))
    store = write_store(tmp_path / "s", [quad])
    (store / "oxigraph" / "CURRENT").write_text("junk", encoding="utf-8")
    # before: "internal error ... RuntimeError: Corruption", exit 3
    with pytest.raises(InputError, match=r"s: cannot open the Oxigraph store: Corruption"):
        open_store(store)


def test_a_cached_store_without_its_marker_is_built_again(tmp_path: Path, cached: Path) -> None:
    cache = tmp_path / "cache"
    first = package_store(cache)
    (first / "ipexkg-store.txt").unlink()
    # before, the rename of the new copy failed on the old folder and named a temporary folder
    again = package_store(cache)
    assert again == first and len(open_store(again)) == len(open_store(cached))
    assert [p.name for p in cache.iterdir()] == [first.name]


def test_the_package_store_is_not_taken_for_an_integrated_one(cached: Path) -> None:
    from ipexkg.differential import CORPUS_FILE, store_corpus
    from ipexkg.integrate import validate_curated

    # before, 'validate --store' on it said "conforms" with 0 triples checked, and the
    # differential ranked nothing and wrote its corpus file into the read-only store
    with pytest.raises(InputError, match="holds no curated graph"):
        validate_curated(open_store(cached), cached)
    with pytest.raises(InputError, match="not a store that 'ipexkg integrate hpo"):
        store_corpus(cached)
    assert not (cached / CORPUS_FILE).exists()


def test_an_unwritable_store_folder_is_named_not_its_temporary(tmp_path: Path) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("", encoding="utf-8")
    # before: "afile/.sub.XXXX.tmp: File exists"
    with pytest.raises(OutputError, match=r"afile/sub: cannot write the store \(.*afile is a file"):
        write_store(blocker / "sub", [])
    with pytest.raises(OutputError, match=r"it is ipexkg's cache: set IPEXKG_CACHE_DIR"):
        package_store(blocker)
