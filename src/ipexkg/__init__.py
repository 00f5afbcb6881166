"""ipexkg: a curated, cited, validated RDF knowledge graph of IPEX syndrome (MONDO:0010580)."""

from __future__ import annotations

__version__ = "0.1.0"

from ipexkg.build import build, build_graph, summarize
from ipexkg.queries import run_query
from ipexkg.validate import validate_graph

__all__ = ["__version__", "build", "build_graph", "run_query", "summarize", "validate_graph"]
