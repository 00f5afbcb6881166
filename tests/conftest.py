"""Shared fixtures: the real curated tables, the built graph (once per session), golden files."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph

from ipexkg.build import BuildResult, build
from ipexkg.cli import main
from ipexkg.curation import TABLES, Dataset, load_dataset, read_dataset, row_key
from ipexkg.resources import data_dir
from ipexkg.review import REVIEWS_FOLDER, review_spec

GOLDEN = Path(__file__).parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--update-golden``: rewrite golden files instead of comparing with them."""
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/* from the current output (review the diff!)",
    )


@pytest.fixture(scope="session", autouse=True)
def _store_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Cache the built stores (``ipexkg.store``) in a temporary folder, never in the home folder."""
    root = tmp_path_factory.mktemp("ipexkg-cache")
    previous = os.environ.get("IPEXKG_CACHE_DIR")
    os.environ["IPEXKG_CACHE_DIR"] = str(root)
    yield root
    if previous is None:
        os.environ.pop("IPEXKG_CACHE_DIR", None)
    else:
        os.environ["IPEXKG_CACHE_DIR"] = previous


# ---- golden files under guard --------------------------------------------------------------


def _golden_guard(config: pytest.Config) -> None:
    """Refuse ``--update-golden`` in CI and while the goldens have uncommitted changes.

    In CI an update would make every golden comparison pass against whatever the code now writes;
    on a tree whose goldens were already changed, a second update would mix two sets of changes
    that can then no longer be reviewed apart.
    """
    if not config.getoption("--update-golden"):
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(
            "--update-golden is refused when CI is set: goldens are checked there"
        )
    try:
        status = subprocess.run(
            ["git", "status", "--porcelain", "--", str(GOLDEN)],
            cwd=GOLDEN.parent,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        raise pytest.UsageError(
            f"--update-golden needs git to see whether {GOLDEN} has uncommitted changes: {error}"
        ) from error
    if status.strip():
        raise pytest.UsageError(
            "--update-golden is refused: tests/golden has uncommitted changes; review and commit "
            "(or restore) them first, so that this update's diff can be reviewed alone:\n" + status
        )


# ---- no network in tests ----------------------------------------------------------------------


class NetworkAccessError(RuntimeError):
    """A test tried to reach a host other than this machine."""


_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}


def _is_local(host: object) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    if host in _LOCAL_NAMES:
        return True
    return host.startswith("127.") or host in {"::1", "0:0:0:0:0:0:0:1"}


def _guard_sockets() -> None:
    """Make connections and name lookups to any host but this one raise NetworkAccessError."""
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def check(sock: socket.socket, address: object) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0] if isinstance(address, tuple) else address
            if not _is_local(host):
                raise NetworkAccessError(f"tests must not use the network (tried {address!r})")

    def connect(self: socket.socket, address: object) -> None:
        check(self, address)
        real_connect(self, address)  # type: ignore[arg-type]

    def connect_ex(self: socket.socket, address: object) -> int:
        check(self, address)
        return real_connect_ex(self, address)  # type: ignore[arg-type]

    def getaddrinfo(host: object, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if host is not None and not _is_local(host):
            raise NetworkAccessError(f"tests must not use the network (looked up {host!r})")
        return real_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = getaddrinfo


def pytest_configure(config: pytest.Config) -> None:
    """Check the golden guard and cut this process off the network before any test runs."""
    _golden_guard(config)
    _guard_sockets()


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    """The package's curated tables, checked."""
    return load_dataset()


@pytest.fixture(scope="session")
def built(dataset: Dataset) -> BuildResult:
    """The graph built from the package's tables, with row origins."""
    return build(dataset)


@pytest.fixture(scope="session")
def graph(built: BuildResult) -> Graph:
    """The built IPEX knowledge graph."""
    return built.graph


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the curated tables, for tests that break a row."""
    target = tmp_path / "data"
    shutil.copytree(data_dir(), target)
    return target


#: golden files rewritten in this run (listed at the end, for review)
_REWRITTEN: list[str] = []


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Iterator[object]:
    """Compare text with ``tests/golden/<name>``; under ``--update-golden`` rewrite it first.

    An update still compares (the file is read back), refuses to store an empty answer, and lists
    every file it changed at the end of the run; the facts that matter are checked again by tests
    that read no golden (``tests/test_independent.py``), so accepting a wrong golden is not enough
    to hide a wrong fact.
    """
    update = request.config.getoption("--update-golden")

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if update:
            assert text.strip(), f"refusing to store an empty golden file {name}"
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
                _REWRITTEN.append(name)
        assert path.exists(), f"missing golden file {path}; run pytest --update-golden"
        assert text == path.read_text(encoding="utf-8"), (
            f"{name} differs from its golden file; review and run pytest --update-golden"
        )

    yield check


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    """After ``--update-golden``, name the files it changed: review them with ``git diff``."""
    if _REWRITTEN:
        terminalreporter.section("golden files rewritten (review: git diff tests/golden)")
        for name in sorted(set(_REWRITTEN)):
            terminalreporter.write_line(f"tests/golden/{name}")


@pytest.fixture
def reviewed_copy(data_copy: Path) -> Path:
    """A copy of the tables in which every live row has a review row (data/reviews/).

    Shipped review rows are kept; a row without one (a table whose reviews are not written yet)
    gets a placeholder, so that a test can break exactly one rule and see lint name it.
    """
    dataset, problems = read_dataset(data_copy)
    assert not problems, problems
    for name, spec in TABLES.items():
        path = data_copy / REVIEWS_FOLDER / spec.filename
        if not path.exists():
            path.write_text("\t".join(review_spec(name).header) + "\n", encoding="utf-8")
        lines = path.read_text(encoding="utf-8").splitlines()
        width = len(spec.key)
        covered = {tuple(line.split("\t")[:width]) for line in lines[1:]}
        for row in dataset.rows(name):
            key = row_key(spec, row)
            if key not in covered:
                covered.add(key)
                lines.append(
                    "\t".join(
                        [
                            *key,
                            "correct",
                            "kept",
                            "test placeholder",
                            "ipexkg-team",
                            "2026-01-01",
                            "",
                        ]
                    )
                )
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["lint", "--data", str(data_copy)]) == 0
    return data_copy


# --- issue 9: the field's validators read one written release -------------------------------
@pytest.fixture(scope="session")
def release_dir(dataset: Dataset, graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A release written once per session from the package's tables (``ipexkg release``)."""
    from ipexkg.release import write_release

    out = tmp_path_factory.mktemp("validators-release")
    write_release(out, dataset, graph=graph)
    return out
