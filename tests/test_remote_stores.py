"""Every stored query gives the embedded engine's answer through real stores: Virtuoso 7, Oxigraph.

Virtuoso (Debian ``virtuoso-opensource``) runs on loopback with a private database and ini; the
release's N-Triples are bulk-loaded into a named graph with its own loader (``ld_dir``,
``rdf_loader_run``). Oxigraph's server (PyPI ``oxigraph``) gets the graph by ``ipexkg load``
(Graph Store Protocol). Then every query, unbound and with its example parameters, runs there by
``ipexkg.remote`` with ``default-graph-uri`` set to that graph.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from servers import free_port, start_server, stop_server

from ipexkg.cli import main
from ipexkg.export import graph_name, serialize_ntriples
from ipexkg.queries import bind_parameters, catalogue, run_query
from ipexkg.remote import EndpointError, remote_query
from ipexkg.results import QueryResult, Term
from ipexkg.store import open_store, package_store

GRAPH = str(graph_name())
_BOOLEAN = URIRef("http://www.w3.org/2001/XMLSchema#boolean")
_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")
CASES = [
    pytest.param(name, case, id=f"{name}-{case}")
    for name, query in sorted(catalogue().items())
    for case in ("all", "example")
    if (case == "all" and not query.required) or (case == "example" and query.example)
]
_VIRTUOSO_INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = ., {data}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 0
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}
ServerThreads = 4
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 120
"""


@pytest.fixture(scope="module")
def release_nt(graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The release's N-Triples file (``ipexkg.nt``) in a folder of its own."""
    folder = tmp_path_factory.mktemp("release")
    path = folder / "ipexkg.nt"
    path.write_text(serialize_ntriples(graph), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def embedded() -> object:
    """The embedded engine's store of the package graph."""
    return open_store(package_store())


@pytest.fixture(scope="module")
def virtuoso(release_nt: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Virtuoso 7 on loopback holding the release in the named graph; its SPARQL endpoint."""
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if server is None or isql is None:
        pytest.skip("Virtuoso is not installed (Debian package virtuoso-opensource)")
    db = tmp_path_factory.mktemp("virtuoso")
    sql_port, http_port = free_port(), free_port()
    ini = db / "virtuoso.ini"
    ini.write_text(
        _VIRTUOSO_INI.format(db=db, data=release_nt.parent, sql_port=sql_port, http_port=http_port),
        encoding="utf-8",
    )
    endpoint = f"http://127.0.0.1:{http_port}/sparql"
    process = start_server(
        [server, "-f", "-c", str(ini)], f"{endpoint}?query=ASK%7B%7D", db / "stdout.log"
    )
    try:
        load = (
            f"ld_dir('{release_nt.parent}', '{release_nt.name}', '{GRAPH}'); "  # noqa: S608
            "rdf_loader_run(); checkpoint; "
            "SELECT COUNT(*) FROM DB.DBA.LOAD_LIST WHERE ll_state <> 2 OR ll_error IS NOT NULL;"
        )
        out = subprocess.run(
            [isql, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={load}"],
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        ).stdout
        assert "\n0\n" in out, out
        yield endpoint
    finally:
        stop_server(process)


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory, release_nt: Path) -> Iterator[str]:
    """Oxigraph's own server on loopback, loaded by ``ipexkg load``; its query endpoint."""
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(binary).exists():
        pytest.skip("Oxigraph's server is not installed (PyPI package oxigraph)")
    port = free_port()
    folder = tmp_path_factory.mktemp("oxigraph")
    base = f"http://127.0.0.1:{port}"
    process = start_server(
        [binary, "serve", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}"],
        f"{base}/query?query=ASK%7B%7D",
        folder / "server.log",
    )
    try:
        argv = ["load", "--endpoint", f"{base}/store", "--graph", GRAPH, "--file", str(release_nt)]
        assert main(argv) == 0
        yield f"{base}/query"
    finally:
        stop_server(process)


def _same(expected: QueryResult, got: QueryResult, *, integer_booleans: bool = False) -> None:
    """Assert two answers are equal, row for row in order (ASK: the same boolean).

    :param integer_booleans: accept Virtuoso's integer 1/0 where the embedded answer has an
        ``xsd:boolean`` (Virtuoso has no boolean type: a boolean that meets a filter or a join
        comes back as an integer, whatever the query says)
    """

    def fix(want: Term, have: Term) -> Term:
        if (
            integer_booleans
            and isinstance(want, Literal)
            and want.datatype == _BOOLEAN
            and isinstance(have, Literal)
            and have.datatype == _INTEGER
            and str(have) in ("0", "1")
        ):
            return Literal(str(have) == "1")
        return have

    assert got.form == expected.form
    assert got.boolean == expected.boolean
    if expected.form in ("CONSTRUCT", "DESCRIBE"):
        assert set(got.terms) == set(expected.terms)
        return
    assert got.variables == expected.variables
    rows = [
        tuple(fix(w, h) for w, h in zip(want, have, strict=True))
        for want, have in zip(expected.terms, got.terms, strict=False)
    ]
    assert len(got.terms) == len(expected.terms)
    assert rows == list(expected.terms)


def _answers(name: str, case: str, embedded: object, endpoint: str) -> tuple[QueryResult, ...]:
    query = catalogue()[name]
    params = dict(query.example) if case == "example" else {}
    mine = run_query(name, embedded, engine="oxigraph", **params)  # type: ignore[arg-type]
    theirs = remote_query(query, endpoint, bind_parameters(query, params), graph=GRAPH)
    return mine, theirs


@pytest.mark.parametrize(("name", "case"), CASES)
def test_virtuoso_gives_the_embedded_answer(
    name: str, case: str, embedded: object, virtuoso: str
) -> None:
    mine, theirs = _answers(name, case, embedded, virtuoso)
    _same(mine, theirs, integer_booleans=True)


@pytest.mark.parametrize(("name", "case"), CASES)
def test_oxigraph_server_gives_the_embedded_answer(
    name: str, case: str, embedded: object, oxigraph_server: str
) -> None:
    mine, theirs = _answers(name, case, embedded, oxigraph_server)
    _same(mine, theirs)


def test_cli_query_on_an_endpoint(virtuoso: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["query", "manifestations-by-organ", "--param", "organ=UBERON:0002046"]
    assert main([*argv, "--format", "csv"]) == 0
    embedded = capsys.readouterr().out
    remote = ["--endpoint", virtuoso, "--endpoint-graph", GRAPH]
    assert main([*argv, *remote, "--format", "csv"]) == 0
    assert capsys.readouterr().out == embedded
    assert main(["query", "manifestations-by-organ", "-p", "organ=nope:1", *remote]) == 2
    assert "unknown prefix 'nope'" in capsys.readouterr().err


def test_unreachable_endpoint_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"
    assert main(["query", "causal-gene", "--endpoint", url]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {url}: cannot reach the endpoint")
    with pytest.raises(EndpointError):
        remote_query(catalogue()["causal-gene"], url)
