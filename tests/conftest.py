"""Shared fixtures: the real curated tables, the built graph (once per session), golden files."""

from __future__ import annotations

import shutil
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


@pytest.fixture
def golden(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Compare text with ``tests/golden/<name>``, or rewrite it under ``--update-golden``."""
    update = request.config.getoption("--update-golden")

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        assert path.exists(), f"missing golden file {path}; run pytest --update-golden"
        assert text == path.read_text(encoding="utf-8"), (
            f"{name} differs from its golden file; review and run pytest --update-golden"
        )

    return check


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
