"""Benchmark of ``validate_graph``: the built graph and synthetic graphs of 10^5 and 10^6 triples.

For each graph it reports the median of repeated runs of the whole validation and of its parts
(pySHACL with the shapes, copying the graph into Oxigraph, the QC queries), the time per triple,
and two ratios measured in the same run: against a full scan of the same rdflib graph (a
machine-speed baseline) and against validating the built graph. Times are CPU seconds of this
process (``time.process_time``), which other work on a shared machine disturbs far less than
wall-clock time; the wall-clock median of the whole validation is given beside them.

    PYTHONPATH=src python bench/bench_validate.py            # built, 1e5, 1e6
    PYTHONPATH=src python bench/bench_validate.py --quick    # built, 1e5
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyshacl
from rdflib import Graph

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import synthetic_graph

from ipexkg import queries
from ipexkg import validate as v
from ipexkg.build import build
from ipexkg.engines import copy_to_oxigraph


def _median(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Return the median (CPU seconds, wall seconds) of ``repeat`` runs of ``fn``."""
    cpu, wall = [], []
    for _ in range(repeat):
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start)
    return statistics.median(cpu), statistics.median(wall)


def _scan(graph: Graph) -> None:
    for _ in graph:
        pass


def _shacl(graph: Graph) -> None:
    pyshacl.validate(graph, shacl_graph=v.load_shapes(), inference="none", allow_warnings=True)


def _qc_queries(store: object) -> None:
    for query in v.load_qc_queries():
        list(store.query(query.text))  # type: ignore[attr-defined]


def _cold_first_call(graph: Graph, origins: object) -> float:
    v.load_shapes.cache_clear()
    v.load_qc_queries.cache_clear()
    queries._prepare.cache_clear()
    start = time.process_time()
    v.validate_graph(graph, origins=origins)  # type: ignore[arg-type]
    return time.process_time() - start


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a table of medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 10^6-triple graph")
    parser.add_argument("--repeat", type=int, default=0, help="runs per size (default: 7/3/3)")
    args = parser.parse_args(argv)

    built = build()
    cold = _cold_first_call(built.graph, built.origins)
    sizes = [("built", 0), ("1e5", 100_000)] + ([] if args.quick else [("1e6", 1_000_000)])
    rows = []
    reference = None
    for name, size in sizes:
        graph = built.graph if size == 0 else synthetic_graph(size, base=built.graph)
        repeat = args.repeat or (7 if size == 0 else 3)
        result = v.validate_graph(graph)
        assert result.conforms, result.summary
        scan, _ = _median(lambda g=graph: _scan(g), repeat)
        total, wall = _median(lambda g=graph: v.validate_graph(g), repeat)
        shacl, _ = _median(lambda g=graph: _shacl(g), repeat)
        copy, _ = _median(lambda g=graph: copy_to_oxigraph(g), repeat)
        store = copy_to_oxigraph(graph)
        qc, _ = _median(lambda s=store: _qc_queries(s), repeat)
        reference = reference or total
        rows.append((name, len(graph), repeat, total, wall, shacl, copy, qc, scan, reference))
        print(f"{name}: {len(graph)} triples done", file=sys.stderr, flush=True)
        del graph, store
        gc.collect()

    print(f"first call in a process, built graph (loads shapes and queries): {cold:.3f} s CPU\n")
    print(
        "| graph | triples | runs | validate (median CPU) | wall | pySHACL | copy to Oxigraph "
        "| QC queries | µs/triple | ÷ scan | ÷ built |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, n, repeat, total, wall, shacl, copy, qc, scan, ref in rows:
        print(
            f"| {name} | {n:,} | {repeat} | {total:.3f} s | {wall:.3f} s | {shacl:.3f} s "
            f"| {copy:.3f} s | {qc:.3f} s | {1e6 * total / n:.1f} | {total / scan:.0f}x "
            f"| {total / ref:.1f}x |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
