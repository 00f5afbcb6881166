"""ipexkg: a curated, cited, validated RDF knowledge graph of IPEX syndrome (MONDO:0010580)."""

from __future__ import annotations

__version__ = "0.1.0"

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ipexkg.build import build, build_graph, summarize
    from ipexkg.export import export_all, export_files
    from ipexkg.hpoa_graph import convert_hpoa
    from ipexkg.kgx import graph_to_kgx, kgx_to_graph, read_kgx
    from ipexkg.queries import run_query
    from ipexkg.release import write_release
    from ipexkg.validate import validate_graph

# the public functions are imported on first use, so that a command (or ``import ipexkg.x``)
# loads only the modules it needs (cold start of ``ipexkg query``)
_LAZY = {
    "build": "ipexkg.build",
    "build_graph": "ipexkg.build",
    "summarize": "ipexkg.build",
    "export_all": "ipexkg.export",
    "export_files": "ipexkg.export",
    "convert_hpoa": "ipexkg.hpoa_graph",
    "graph_to_kgx": "ipexkg.kgx",
    "kgx_to_graph": "ipexkg.kgx",
    "read_kgx": "ipexkg.kgx",
    "run_query": "ipexkg.queries",
    "write_release": "ipexkg.release",
    "validate_graph": "ipexkg.validate",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ipexkg' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = [
    "__version__",
    "build",
    "build_graph",
    "convert_hpoa",
    "export_all",
    "export_files",
    "graph_to_kgx",
    "kgx_to_graph",
    "read_kgx",
    "run_query",
    "summarize",
    "validate_graph",
    "write_release",
]
