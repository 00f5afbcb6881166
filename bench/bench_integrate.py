"""Benchmark of the integrated store (issue 10): load, queries, cold start, differential, SHACL.

Every step runs in its own Python process, so each reports its own peak memory (``ru_maxrss``);
the driver prints medians and the ratios asked for, all from one run:

- load (``--load-repeat`` rounds, each running the loads in new processes and folders, one
  after the other; ratios taken within a round): ``ipexkg integrate hpo`` (convert + bulk load)
  vs ``pyoxigraph`` bulk load of the same N-Triples (as dumped from the store and as the
  converter writes them; strict, and lenient as integrate loads) vs rdflib parse of the whole
  merged graph (``--rdflib-repeat`` runs, about 200 s and 4.5 GB each; its ratios are of
  medians);
- queries: the competency catalogue on the merged store through ``ipexkg.run_query`` vs
  ``pyoxigraph`` running the same text; rdflib vs Oxigraph on the prefix merged with the
  curated graph;
- cold start: ``ipexkg query endocrine-manifestations`` (cached store) vs
  ``python -c "import rdflib"``;
- differential: the corpus read from the store (what ``integrate`` saves beside it) and the
  saved corpus loaded, the ranking for IPEX, and ``ipexkg differential`` end to end; pyhpo's
  set similarity with ``--pyhpo`` (minutes: it loads its ontology and compares pairs of terms
  in Python);
- SHACL: curated facts extracted from the store and validated vs the built graph validated
  and vs the same in a store of IPEX's two records only (interleaved in one process), and
  ``ipexkg validate --store`` vs ``ipexkg validate`` end to end;
  pySHACL vs pyrudof on the core shapes (``sh:sparql`` constraints removed) over the curated
  graph plus a prefix of ``--shacl-prefix`` triples.

    python bench/bench_integrate.py --store /tmp/ipex-hpo            # builds it first
    python bench/bench_integrate.py --store /tmp/ipex-hpo --skip-build --pyhpo
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PY = sys.executable


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = action()
    return time.perf_counter() - start, value


def _prefix_file(nt: Path, n: int, out: Path) -> Path:
    if not out.exists():
        with nt.open(encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
            for i, line in enumerate(src):
                if i >= n:
                    break
                dst.write(line)
    return out


# --- steps (each in its own process) --------------------------------------------------------------


def step_integrate(args: argparse.Namespace) -> dict[str, Any]:
    from ipexkg.integrate import integrate_hpo

    seconds, result = _timed(lambda: integrate_hpo(Path(args.target), progress=False))
    return {"seconds": seconds, "steps": dict(result.seconds)}


def step_integrate_small(args: argparse.Namespace) -> dict[str, Any]:
    """A store of the curated graph and IPEX's own two records only (for SHACL inside it)."""
    from ipexkg.integrate import integrate_hpo

    ipex = frozenset({"OMIM:304790", "ORPHA:37042"})
    seconds, _ = _timed(lambda: integrate_hpo(Path(args.target), progress=False, diseases=ipex))
    return {"seconds": seconds}


def step_convert(args: argparse.Namespace) -> dict[str, Any]:
    """What ``integrate`` streams into the loader, written to a file instead (same bytes)."""
    import os

    from ipexkg.integrate import _curated, _produce

    _, curated = _curated()

    def convert() -> None:
        _produce(os.open(args.target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), curated, False, None)

    seconds, _ = _timed(convert)
    return {"seconds": seconds}


def step_dump(args: argparse.Namespace) -> dict[str, Any]:
    import pyoxigraph as ox

    from ipexkg.store import open_store

    store = open_store(Path(args.store))
    seconds, _ = _timed(
        lambda: store.dump(args.target, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    )
    return {"seconds": seconds}


def step_oxload(args: argparse.Namespace) -> dict[str, Any]:
    import pyoxigraph as ox

    def load() -> int:
        store = ox.Store(args.target) if args.target else ox.Store()
        store.bulk_load(path=args.nt, format=ox.RdfFormat.N_TRIPLES, lenient=args.lenient)
        return len(store)

    seconds, n = _timed(load)
    return {"seconds": seconds, "triples": n}


def step_rdflibload(args: argparse.Namespace) -> dict[str, Any]:
    from rdflib import Graph

    def load() -> int:
        graph = Graph()
        graph.parse(args.nt, format="nt")
        return len(graph)

    seconds, n = _timed(load)
    return {"seconds": seconds, "triples": n}


def _cq() -> list[Any]:
    from ipexkg.queries import catalogue

    return sorted((q for q in catalogue().values() if q.kind == "cq"), key=lambda q: q.name)


def step_queries(args: argparse.Namespace) -> dict[str, Any]:
    """The catalogue on the merged store: run_query vs raw pyoxigraph (same text)."""
    from ipexkg.engines import with_values
    from ipexkg.queries import bind_parameters, run_query
    from ipexkg.store import open_store

    store = open_store(Path(args.store))
    package, raw = [], []
    for query in _cq():
        params = dict(query.example) if query.required else {}
        text = with_values(query.text, bind_parameters(query, params))
        run_query(query, store, engine="oxigraph", **params)  # warm up
        package.append(
            statistics.median(
                _timed(lambda q=query, p=params: run_query(q, store, engine="oxigraph", **p))[0]
                for _ in range(args.repeat)
            )
        )
        raw.append(
            statistics.median(
                _timed(lambda t=text: list(store.query(t)))[0] for _ in range(args.repeat)
            )
        )
    return {"package": sum(package), "raw": sum(raw), "queries": len(package)}


def step_queries_rdflib(args: argparse.Namespace) -> dict[str, Any]:
    """rdflib vs Oxigraph on the prefix merged with the curated graph."""
    from rdflib import Graph

    from ipexkg.build import build_graph
    from ipexkg.engines import copy_to_oxigraph
    from ipexkg.queries import run_query

    graph = Graph()
    graph.parse(args.nt, format="nt")
    for triple in build_graph():
        graph.add(triple)
    store = copy_to_oxigraph(graph)
    totals = {"rdflib": 0.0, "oxigraph": 0.0}
    for query in _cq():
        params = dict(query.example) if query.required else {}
        for engine, source in (("rdflib", graph), ("oxigraph", store)):
            run_query(query, source, engine=engine, **params)
            totals[engine] += statistics.median(
                _timed(
                    lambda q=query, s=source, e=engine, p=params: run_query(q, s, engine=e, **p)
                )[0]
                for _ in range(args.repeat)
            )
    return {**totals, "triples": len(graph)}


def step_differential(args: argparse.Namespace) -> dict[str, Any]:
    from ipexkg.differential import corpus_from_store, differential, store_corpus
    from ipexkg.store import open_store

    read, _ = _timed(lambda: corpus_from_store(open_store(Path(args.store))))
    load, corpus = _timed(lambda: store_corpus(Path(args.store)))  # the file integrate saved
    exclude = {"OMIM:304790", "Orphanet:37042", "MONDO:0010580"}
    runs = []
    top: list[Any] = []
    for _ in range(args.repeat):
        seconds, top = _timed(
            lambda: differential(corpus, corpus.phenotypes["OMIM:304790"], exclude=exclude)
        )
        runs.append(seconds)
    mondo = differential(corpus, corpus.phenotypes["MONDO:0010580"], exclude=exclude)
    return {
        "read_from_store": read,
        "load_saved": load,
        "rank": statistics.median(runs),
        "top": [(m.disease, m.label, round(m.score, 3), m.shared[:3]) for m in top],
        "top_mondo": [(m.disease, m.label, round(m.score, 3)) for m in mondo],
    }


def step_differential_stored(args: argparse.Namespace) -> dict[str, Any]:
    """The stored differential queries for IPEX on the store (``queries/store/``); the
    patient's list is OMIM:304790's annotated phenotypes."""
    from ipexkg.differential import store_corpus
    from ipexkg.queries import run_query
    from ipexkg.store import open_store

    store = open_store(Path(args.store))
    terms = sorted(store_corpus(Path(args.store)).phenotypes["OMIM:304790"])
    patient = [
        _timed(
            lambda: run_query(
                "patient-phenotypic-differential", store, engine="oxigraph", phenotypes=terms
            )
        )
        for _ in range(args.repeat)
    ]
    ipex = "MONDO:0010580"
    rank = [
        _timed(lambda: run_query("phenotypic-differential", store, engine="oxigraph", disease=ipex))
        for _ in range(args.repeat)
    ]
    top = rank[-1][1].dicts()
    pair = {"disease": ipex, "candidate": top[0]["candidate"]}
    shared = [
        _timed(
            lambda: run_query("differential-shared-phenotypes", store, engine="oxigraph", **pair)
        )
        for _ in range(args.repeat)
    ]
    return {
        "rank": statistics.median(t for t, _ in rank),
        "shared": statistics.median(t for t, _ in shared),
        "patient": statistics.median(t for t, _ in patient),
        "patient_terms": len(terms),
        "patient_top": [
            (r["candidate"], round(r["coverage"], 3), round(r["simgic"], 3))
            for r in patient[-1][1].dicts()
        ],
        "top": [(r["candidate"], round(r["score"], 3)) for r in top],
        "shared_with_first": [r["phenotype"] for r in shared[-1][1].dicts()],
    }


def step_pyhpo(args: argparse.Namespace) -> dict[str, Any]:
    from pyhpo import HPOSet, Ontology

    load, _ = _timed(Ontology)
    ipex = next(d for d in Ontology.omim_diseases if d.id == 304790)
    query = HPOSet.from_queries(list(ipex.hpo))

    def rank() -> list[tuple[float, str, str]]:
        scores = [
            (query.similarity(HPOSet.from_queries(list(d.hpo))), f"OMIM:{d.id}", d.name)
            for d in Ontology.omim_diseases
            if d.id != 304790 and d.hpo
        ]
        return sorted(scores, key=lambda x: (-x[0], x[1]))[:20]

    seconds, top = _timed(rank)
    return {"load": load, "rank": seconds, "top": top}


def step_shacl_store(args: argparse.Namespace) -> dict[str, Any]:
    from ipexkg.build import build_graph
    from ipexkg.integrate import validate_curated
    from ipexkg.store import open_store
    from ipexkg.validate import validate_graph

    merged, small = open_store(Path(args.store)), open_store(Path(args.target))
    graph = build_graph()
    validate_graph(graph)  # warm up: shapes and QC queries parsed once
    runs: dict[str, list[float]] = {"inside": [], "inside_small": [], "alone": []}
    for _ in range(max(args.repeat, 7)):  # interleaved: the machine's speed drifts
        runs["inside"].append(_timed(lambda: validate_curated(merged))[0])
        runs["inside_small"].append(_timed(lambda: validate_curated(small))[0])
        runs["alone"].append(_timed(lambda: validate_graph(graph))[0])
    out: dict[str, Any] = {name: statistics.median(times) for name, times in runs.items()}
    for name in ("inside", "inside_small"):
        pairs = zip(runs[name], runs["alone"], strict=True)
        out[f"ratio_{name}_vs_alone"] = statistics.median(a / b for a, b in pairs)
    pairs = zip(runs["inside"], runs["inside_small"], strict=True)
    out["ratio_inside_vs_inside_small"] = statistics.median(a / b for a, b in pairs)
    return out


def _core_shapes() -> str:
    from rdflib import Graph
    from rdflib.namespace import SH

    from ipexkg.validate import load_shapes

    shapes = Graph()
    for triple in load_shapes():
        shapes.add(triple)
    for shape, constraint in list(shapes.subject_objects(SH.sparql)):
        shapes.remove((shape, SH.sparql, constraint))
        shapes.remove((constraint, None, None))
    return shapes.serialize(format="turtle")


def step_shacl_engines(args: argparse.Namespace) -> dict[str, Any]:
    import pyshacl
    from rdflib import Graph

    from ipexkg.build import build_graph

    core = _core_shapes()
    data = Graph()
    data.parse(args.nt, format="nt")
    for triple in build_graph():
        data.add(triple)
    shapes = Graph().parse(data=core, format="turtle")
    py_s, py_r = _timed(lambda: pyshacl.validate(data, shacl_graph=shapes, advanced=False))
    out = {"triples": len(data), "pyshacl": py_s, "pyshacl_conforms": bool(py_r[0])}
    try:
        import pyrudof
    except ImportError:
        return {**out, "pyrudof": None}
    text = data.serialize(format="nt")

    def rudof() -> bool:
        r = pyrudof.Rudof(pyrudof.RudofConfig())
        r.read_data(text, format=pyrudof.RDFFormat.NTriples)
        r.read_shacl(core, format=pyrudof.ShaclFormat.Turtle)
        return bool(r.validate_shacl().conforms)

    rd_s, rd_ok = _timed(rudof)
    return {**out, "pyrudof": rd_s, "pyrudof_conforms": rd_ok}


STEPS = {name[5:]: f for name, f in globals().items() if name.startswith("step_")}


def _run(step: str, **options: Any) -> dict[str, Any]:
    argv = [PY, __file__, "--step", step]
    for key, value in options.items():
        flag = f"--{key.replace('_', '-')}"
        argv += [flag] if value is True else [flag, str(value)]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode:
        return {"error": done.stderr.strip().splitlines()[-1:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _rounds(
    rounds: int, plan: list[tuple[str, str, Path | None, dict[str, Any]]]
) -> dict[str, Any]:
    """Run every step of ``plan`` (name, step, folder to empty first, options) once per round, one
    after the other: this machine's speed drifts by a fifth within minutes, so ratios are taken
    within a round. Return each step's runs under its name."""
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name, _, _, _ in plan}
    for _ in range(rounds):
        for name, step, fresh, options in plan:
            if fresh is not None:
                shutil.rmtree(fresh, ignore_errors=True)
            runs[name].append(_run(step, **options))
    return runs


def _summary(
    runs: dict[str, list[dict[str, Any]]], ratios: dict[str, tuple[str, str]]
) -> dict[str, Any]:
    """Medians of each step's seconds and peak memory, and medians of per-round ratios."""

    def seconds(name: str) -> list[float]:
        return [r["seconds"] for r in runs[name]]

    out: dict[str, Any] = {}
    for name, done in runs.items():
        out[name] = {
            "seconds": statistics.median(seconds(name)),
            "runs": [round(x, 1) for x in seconds(name)],
            "peak_mb": max(r["peak_mb"] for r in done),
        }
    for label, (top, bottom) in ratios.items():
        pairs = zip(seconds(top), seconds(bottom), strict=True)
        out[label] = statistics.median(a / b for a, b in pairs)
    return out


class _Report(dict[str, Any]):
    """Results by step, each printed as one JSON line when it is known (a long run can stop)."""

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        print(json.dumps({key: value}), flush=True)


def _cold(argv: list[str], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--step", choices=sorted(STEPS))
    parser.add_argument("--store", required=False, default=None, help="integrated store folder")
    parser.add_argument("--target", default="")
    parser.add_argument("--nt", default="")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--load-repeat", type=int, default=3, help="rounds of loads")
    parser.add_argument("--rdflib-repeat", type=int, default=1, help="rdflib parses of it all")
    parser.add_argument("--lenient", action="store_true", help="oxload: skip IRI checks")
    parser.add_argument("--prefix", type=int, default=10**6)
    parser.add_argument("--shacl-prefix", type=int, default=10**5)
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--pyhpo", action="store_true")
    args = parser.parse_args()
    if args.step:
        result = STEPS[args.step](args)
        result["peak_mb"] = round(_peak_mb())
        print(json.dumps(result))
        return 0
    if not args.store:
        parser.error("--store DIR is required")
    work = Path(args.store).parent
    work.mkdir(parents=True, exist_ok=True)
    report = _Report()
    load = args.load_repeat
    store = Path(args.store)
    if not args.skip_build and not store.exists():
        _run("integrate", target=store)
    nt = work / "merged.nt"
    if not nt.exists():
        report["dump"] = _run("dump", store=args.store, target=nt)
    # the same triples in the order integrate streams them (a dump comes in the store's order)
    converted = work / "converted.nt"
    if not converted.exists():
        report["convert"] = _run("convert", target=converted)
    bulk = work / "bulk-store"
    if not args.skip_build:
        runs = _rounds(
            load,
            [
                ("integrate", "integrate", store, {"target": store}),
                ("oxload_dump_order", "oxload", bulk, {"nt": nt, "target": bulk}),
                ("oxload_converted_order", "oxload", bulk, {"nt": converted, "target": bulk}),
                (
                    "oxload_converted_order_lenient",
                    "oxload",
                    bulk,
                    {"nt": converted, "target": bulk, "lenient": True},
                ),
            ],
        )
        # the load alone is integrate's "convert and bulk-load" step
        runs["integrate_load"] = [
            {"seconds": r["steps"]["convert and bulk-load"], "peak_mb": r["peak_mb"]}
            for r in runs["integrate"]
        ]
        ratios = {
            "ratio_load_vs_dump_order": ("integrate_load", "oxload_dump_order"),
            "ratio_load_vs_converted_order": ("integrate_load", "oxload_converted_order"),
            "ratio_load_vs_lenient": ("integrate_load", "oxload_converted_order_lenient"),
            "ratio_all_vs_converted_order": ("integrate", "oxload_converted_order"),
        }
        report["load"] = loads = {**_summary(runs, ratios), "steps": runs["integrate"][-1]["steps"]}
        parses = _rounds(args.rdflib_repeat, [("rdflib", "rdflibload", None, {"nt": converted})])
        rdflib = _summary(parses, {})["rdflib"]
        for name in ("integrate_load", "oxload_converted_order", "oxload_converted_order_lenient"):
            rdflib[f"ratio_vs_{name}"] = rdflib["seconds"] / loads[name]["seconds"]
        report["rdflib_parse"] = rdflib
    prefix = _prefix_file(nt, args.prefix, work / f"prefix-{args.prefix}.nt")
    report["queries"] = _run("queries", store=args.store, repeat=args.repeat)
    report["queries_prefix"] = _run("queries_rdflib", nt=prefix, repeat=args.repeat)
    ipexkg = str(Path(PY).with_name("ipexkg"))
    subprocess.run([ipexkg, "query", "endocrine-manifestations"], capture_output=True, check=True)
    report["cold"] = {
        "ipexkg_query": _cold([ipexkg, "query", "endocrine-manifestations"], 5),
        "import_rdflib": _cold([PY, "-c", "import rdflib"], 5),
    }
    report["differential"] = _run("differential", store=args.store, repeat=args.repeat)
    differential = [ipexkg, "differential", "OMIM:304790", "--store", args.store]
    differential += ["--exclude", "Orphanet:37042", "--exclude", "MONDO:0010580"]
    report["differential_cli"] = {"seconds": _cold(differential, 5)}
    report["differential_stored"] = _run(
        "differential_stored", store=args.store, repeat=args.repeat
    )
    if args.pyhpo:
        report["pyhpo"] = _run("pyhpo")
    small = work / "small-store"
    if not small.exists():
        _run("integrate_small", target=small)
    report["shacl_store"] = _run("shacl_store", store=args.store, target=small, repeat=args.repeat)
    validate = [ipexkg, "validate"]
    report["shacl_cli"] = {
        "inside": _cold([*validate, "--store", args.store], 5),
        "inside_small": _cold([*validate, "--store", str(small)], 5),
        "alone": _cold(validate, 5),
    }
    shacl_prefix = _prefix_file(nt, args.shacl_prefix, work / f"prefix-{args.shacl_prefix}.nt")
    report["shacl_engines"] = _run("shacl_engines", nt=shacl_prefix)
    return 0


if __name__ == "__main__":
    sys.exit(main())
