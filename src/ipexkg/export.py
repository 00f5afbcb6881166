"""Export: deterministic serialisations (the same graph gives the same bytes, in any order)."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from ipexkg.files import write_text_atomic

__all__ = ["serialize_ntriples", "serialize_turtle", "write_turtle"]


def serialize_turtle(graph: Graph) -> str:
    """Return canonical Turtle (rdflib ``longturtle`` with ``canon=True``)."""
    return graph.serialize(format="longturtle", canon=True)


def serialize_ntriples(graph: Graph) -> str:
    """Return N-Triples with the lines sorted."""
    lines = sorted(line for line in graph.serialize(format="nt").splitlines() if line.strip())
    return "\n".join(lines) + "\n"


def write_turtle(graph: Graph, path: Path) -> Path:
    """Write canonical Turtle to ``path`` atomically and return the path."""
    write_text_atomic(path, serialize_turtle(graph))
    return path
