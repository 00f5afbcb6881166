"""Benchmark: every stored query on rdflib and on Oxigraph, with medians per query and in total.

Loading is timed apart from querying: building the graph from the curated tables (or parsing
``--graph`` files) for rdflib, and copying it into an in-memory Oxigraph store. Each query is run
once to warm up (parsing, caches), then ``--repeat`` times per engine; the answers of the two
engines are checked to be identical before any time is reported.

    python bench/bench_queries.py --repeat 20
    python bench/bench_queries.py --graph build/ipexkg.ttl --repeat 5
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pyoxigraph
import rdflib
from rdflib import Graph

from ipexkg.engines import ENGINES, oxigraph_store
from ipexkg.queries import StoredQuery, catalogue, run_query
from ipexkg.results import QueryResult


def _timed(action: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    value = action()
    return time.perf_counter() - start, value


def _load(paths: Sequence[str]) -> tuple[Graph, float]:
    if not paths:
        from ipexkg.build import build_graph

        seconds, graph = _timed(build_graph)
        return graph, seconds  # type: ignore[return-value]
    from ipexkg.rdfio import read_rdf

    def parse() -> Graph:
        graph = Graph()
        for path in paths:
            for triple in read_rdf(Path(path)).triples((None, None, None)):
                graph.add(triple)
        return graph

    seconds, graph = _timed(parse)
    return graph, seconds  # type: ignore[return-value]


def _params(query: StoredQuery) -> dict[str, str]:
    """Run a query without parameters, unless it requires some: then with its example."""
    return dict(query.example) if query.required else {}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print a table of medians (milliseconds)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="timed runs per query and engine")
    parser.add_argument("--graph", action="append", default=[], help="RDF file(s) to query")
    parser.add_argument("--kind", default="cq", help="query kind to run: cq, qc or all")
    args = parser.parse_args(argv)

    graph, build_seconds = _load(args.graph)
    load_seconds, store = _timed(lambda: oxigraph_store(graph))
    queries = [
        q
        for q in sorted(catalogue().values(), key=lambda q: q.name)
        if args.kind == "all" or q.kind == args.kind
    ]
    print(
        f"python {platform.python_version()}, rdflib {rdflib.__version__}, "
        f"pyoxigraph {pyoxigraph.__version__}; {len(graph)} triples; "
        f"{len(queries)} queries x {args.repeat} runs per engine"
    )
    print(
        f"load: rdflib graph {build_seconds * 1000:.0f} ms "
        f"({'built from the curated tables' if not args.graph else 'parsed'}), "
        f"Oxigraph store {load_seconds * 1000:.0f} ms (copied from the rdflib graph)"
    )
    header = f"{'query':32} {'rows':>5} {'rdflib ms':>10} {'oxigraph ms':>12} {'ox/rdflib':>10}"
    print(header)
    print("-" * len(header))
    totals = dict.fromkeys(ENGINES, 0.0)
    for query in queries:
        params = _params(query)
        answers: dict[str, QueryResult] = {}
        medians: dict[str, float] = {}
        for engine in ENGINES:
            source = graph if engine == "rdflib" else store
            answers[engine] = run_query(query, source, engine=engine, **params)  # warm-up
            runs = [
                _timed(lambda: run_query(query, source, engine=engine, **params))[0]  # noqa: B023
                for _ in range(args.repeat)
            ]
            medians[engine] = statistics.median(runs)
            totals[engine] += medians[engine]
        if answers["rdflib"].terms != answers["oxigraph"].terms:
            print(f"{query.name}: the engines disagree", file=sys.stderr)
            return 1
        ratio = medians["oxigraph"] / medians["rdflib"]
        print(
            f"{query.name:32} {len(answers['rdflib']):>5} {medians['rdflib'] * 1000:>10.2f} "
            f"{medians['oxigraph'] * 1000:>12.2f} {ratio:>10.3f}"
        )
    print("-" * len(header))
    ratio = totals["oxigraph"] / totals["rdflib"]
    print(
        f"{'total of medians':32} {'':>5} {totals['rdflib'] * 1000:>10.1f} "
        f"{totals['oxigraph'] * 1000:>12.1f} {ratio:>10.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
