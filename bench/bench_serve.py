"""Benchmark: ``ipexkg serve`` under load, beside Oxigraph's Rust server and rdflib-endpoint.

The three servers run on loopback, one after the other in the same run, on the same data (the
package graph: ours and Oxigraph's server open the very same on-disk store, rdflib-endpoint loads
its N-Triples), and get the same mix: every stored query, unbound and with its example
parameters, as the text ``ipexkg.remote`` would send (parameters in a VALUES block), POSTed to
``/sparql`` by ``--clients`` concurrent clients (asyncio + httpx) for ``--seconds`` after one
warm-up round. It reports requests answered (also those still running when the time is up),
errors, throughput (answers completed within the time, as wrk counts them), the 50/90/99th
percentile latency of every answer, and
the CPU seconds the server's processes used per request (the main process apart from the query
workers, for ours), which says what dominates.

    pip install -e ".[dev,bench]"
    python bench/bench_serve.py --seconds 20 --clients 32
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from ipexkg.engines import with_values
from ipexkg.queries import bind_parameters, catalogue
from ipexkg.store import package_store

_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Run:
    """What one server did under the load."""

    name: str
    latencies: list[float] = field(default_factory=list)
    in_window: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    cpu_main: float = 0.0
    cpu_others: float = 0.0


def _mix() -> list[tuple[str, str]]:
    """Return (query text, Accept) for every stored cq query, unbound and with its example."""
    mix = []
    for query in sorted(catalogue().values(), key=lambda q: q.name):
        if query.kind != "cq":
            continue
        accept = (
            "text/turtle"
            if query.form in ("CONSTRUCT", "DESCRIBE")
            else "application/sparql-results+json"
        )
        cases = ([{}] if not query.required else []) + (
            [dict(query.example)] if query.example else []
        )
        for params in cases:
            mix.append((with_values(query.text, bind_parameters(query, params)), accept))
    return mix


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cpu(pgid: int, main: int) -> tuple[float, float]:
    """Return the CPU seconds (user + system) of ``main`` and of the rest of its process group."""
    own = others = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) != pgid:
            continue
        seconds = (int(fields[11]) + int(fields[12])) / _TICKS
        if int(entry.name) == main:
            own += seconds
        else:
            others += seconds
    return own, others


def _start(command: list[str], url: str, wait: float = 300) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{command[0]} ended with {process.returncode}")
        try:
            if httpx.post(url, data={"query": "ASK {}"}, timeout=5).is_success:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    os.killpg(process.pid, signal.SIGKILL)
    raise SystemExit(f"{command[0]} did not answer at {url}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


async def _load(
    url: str, mix: list[tuple[str, str]], clients: int, seconds: float, run: Run, pid: int
) -> None:
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    finished: list[float] = []
    async with httpx.AsyncClient(timeout=120, limits=limits) as http:

        async def ask(text: str, accept: str) -> None:
            start = time.perf_counter()
            try:
                response = await http.post(url, data={"query": text}, headers={"Accept": accept})
                if response.status_code != 200:
                    run.errors.append(f"HTTP {response.status_code}: {response.text[:120]}")
                    return
            except httpx.HTTPError as exc:
                run.errors.append(repr(exc))
                return
            finish = time.perf_counter()
            run.latencies.append(finish - start)
            finished.append(finish)

        for text, accept in mix:  # warm-up round, not counted
            await ask(text, accept)
        run.latencies.clear()
        finished.clear()
        before = _cpu(pid, pid)
        deadline = time.perf_counter() + seconds

        async def client(offset: int) -> None:
            i = offset
            while time.perf_counter() < deadline:
                await ask(*mix[i % len(mix)])
                i += 1

        await asyncio.gather(*(client(k * 7) for k in range(clients)))
        run.seconds = seconds
        run.in_window = sum(1 for finish in finished if finish <= deadline)
        after = _cpu(pid, pid)
        run.cpu_main, run.cpu_others = after[0] - before[0], after[1] - before[1]


def _bench(name: str, command: list[str], url: str, args: argparse.Namespace) -> Run:
    mix = _mix()
    process = _start(command, url)
    run = Run(name)
    try:
        asyncio.run(_load(url, mix, args.clients, args.seconds, run, process.pid))
    finally:
        _stop(process)
    return run


def _percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 1 else float("nan")


def main() -> int:
    """Run the three servers under the same load; print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="load time per server")
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="our workers")
    parser.add_argument("--only", nargs="*", default=None, help="ipexkg, oxigraph, rdflib")
    args = parser.parse_args()
    store = package_store()
    bin_dir = Path(sys.executable).parent
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        nt = Path(tmp) / "ipexkg.nt"
        from ipexkg.build import build_graph
        from ipexkg.export import serialize_ntriples

        nt.write_text(serialize_ntriples(build_graph()), encoding="utf-8")
        servers = {
            "ipexkg": lambda port: (
                [str(bin_dir / "ipexkg"), "serve", "--store", str(store), "--port", str(port),
                 "--workers", str(args.workers), "--timeout", "60"],
                f"http://127.0.0.1:{port}/sparql",
            ),
            "oxigraph": lambda port: (
                [shutil.which("oxigraph") or str(bin_dir / "oxigraph"), "serve-read-only",
                 "--location", str(store / "oxigraph"), "--bind", f"127.0.0.1:{port}"],
                f"http://127.0.0.1:{port}/query",
            ),
            "rdflib": lambda port: (
                [str(bin_dir / "rdflib-endpoint"), "serve", str(nt), "--host", "127.0.0.1",
                 "--port", str(port)],
                f"http://127.0.0.1:{port}/",
            ),
        }  # fmt: skip
        for name, make in servers.items():
            if args.only and name not in args.only:
                continue
            command, url = make(_free_port())
            print(f"{name}: {args.clients} clients for {args.seconds:g} s ...", file=sys.stderr)
            runs.append(_bench(name, command, url, args))
    print(
        f"{len(_mix())} queries in the mix; {args.clients} clients; {args.seconds:g} s per "
        f"server; {os.cpu_count()} cores; Python {platform.python_version()}"
    )
    header = (
        f"{'server':<9} {'requests':>8} {'errors':>6} {'req/s':>8} {'p50 ms':>8} {'p90 ms':>8} "
        f"{'p99 ms':>8} {'CPU ms/req main+rest':>22}"
    )
    print(header)
    for run in runs:
        n = len(run.latencies)
        rate = run.in_window / run.seconds if run.seconds else 0.0
        cpu = f"{1000 * run.cpu_main / n:.2f} + {1000 * run.cpu_others / n:.2f}" if n else "-"
        print(
            f"{run.name:<9} {n:>8} {len(run.errors):>6} {rate:>8.1f} "
            f"{_percentile(run.latencies, 50):>8.1f} {_percentile(run.latencies, 90):>8.1f} "
            f"{_percentile(run.latencies, 99):>8.1f} {cpu:>22}"
        )
        for error in sorted(set(run.errors))[:5]:
            print(f"  {run.name} error: {error}")
    by_name = {run.name: run.in_window / run.seconds for run in runs if run.seconds}
    if "ipexkg" in by_name:
        for peer in ("oxigraph", "rdflib"):
            if by_name.get(peer):
                print(f"ipexkg / {peer} throughput: {by_name['ipexkg'] / by_name[peer]:.2f}")
    cpu = {r.name: (r.cpu_main + r.cpu_others) / len(r.latencies) for r in runs if r.latencies}
    if "ipexkg" in cpu:
        for peer in ("oxigraph", "rdflib"):
            if peer in cpu:
                print(f"{peer} / ipexkg CPU per request: {cpu[peer] / cpu['ipexkg']:.2f}")
    return 1 if any(run.errors for run in runs if run.name == "ipexkg") else 0


if __name__ == "__main__":
    sys.exit(main())
