"""ipexkg: a curated, cited, validated RDF knowledge graph of IPEX syndrome (MONDO:0010580)."""

from __future__ import annotations

__version__ = "0.1.0"

from ipexkg.build import build, build_graph, summarize
from ipexkg.export import export_all, export_files
from ipexkg.hpoa_graph import convert_hpoa
from ipexkg.kgx import graph_to_kgx, kgx_to_graph, read_kgx
from ipexkg.queries import run_query
from ipexkg.release import write_release
from ipexkg.validate import validate_graph

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
