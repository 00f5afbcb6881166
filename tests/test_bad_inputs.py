"""A corpus of bad inputs: tables, RDF files, queries and command-line arguments.

Each case runs the real command line (in-process: ``main`` catches everything a process would
show) and asserts the exit status, the message with its file and line, that no traceback is
printed and that the output folder (or file) is untouched. RDF files and queries live in
``tests/fixtures/bad/``; each bad table is one edit of a copy of ``data/``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ipexkg.cli import main
from ipexkg.files import replace_folder
from ipexkg.resources import data_dir

BAD = Path(__file__).parent / "fixtures" / "bad"
_OLD = {"ipexkg.ttl": b"# the old release\n"}


def _edit(
    table: str, column: str, value: str, line: int | None = None, row: str = ""
) -> Callable[[Path], str]:
    """Set one cell of ``table`` (on ``line``, or the first row holding ``row`` where the cell
    is filled in)."""

    def apply(data: Path) -> str:
        path = data / f"{table}.tsv"
        lines = path.read_text(encoding="utf-8").split("\n")
        index = lines[0].split("\t").index(column)
        number = line or next(
            n
            for n, text in enumerate(lines[1:], start=2)
            if text and text.split("\t")[index] and row in text
        )
        cells = lines[number - 1].split("\t")
        cells[index] = value
        lines[number - 1] = "\t".join(cells)
        path.write_text("\n".join(lines), encoding="utf-8")
        return f"data/{table}.tsv:{number}"

    return apply


def _raw(table: str, make: Callable[[bytes], bytes | None]) -> Callable[[Path], str]:
    """Replace a table's bytes (``None``: delete the file; a directory stands in for ``b'/'``)."""

    def apply(data: Path) -> str:
        path = data / f"{table}.tsv"
        new = make(path.read_bytes())
        path.unlink()
        if new == b"/":
            path.mkdir()
        elif new is not None:
            path.write_bytes(new)
        return f"data/{table}.tsv"

    return apply


def _insert_line(table: str, at: int, text: str) -> Callable[[bytes], bytes]:
    def make(data: bytes) -> bytes:
        lines = data.split(b"\n")
        lines.insert(at - 1, text.encode("utf-8"))
        return b"\n".join(lines)

    return make


def _two_problems(char: str) -> Callable[[Path], str]:
    """A cell holding ``char`` on line 3 and a bad date on line 5: both at their real line."""

    def apply(data: Path) -> str:
        _edit("statements", "value", f"a{char}b", line=3)(data)
        _edit("statements", "date_curated", "2020-13-01", line=5)(data)
        return "data/statements.tsv:3"

    return apply


def _reversed_row(predicate: str) -> Callable[[Path], str]:
    """Add the reverse of the first ``predicate`` fact, closing a cycle of two."""

    def apply(data: Path) -> str:
        path = data / "associations.tsv"
        lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
        cells = next(line.split("\t") for line in lines if f"\t{predicate}\t" in line)
        cells[0], cells[1], cells[3], cells[4] = cells[3], cells[4], cells[0], cells[1]
        lines.append("\t".join(cells))
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return "data/associations.tsv:"

    return apply


def _pipe(name: str) -> Callable[[Path], str]:
    """Put a named pipe where ``name`` is (a table of data/, or a file beside data/)."""

    def apply(data: Path) -> str:
        path = data / f"{name}.tsv" if "." not in name else data.parent / name
        path.unlink(missing_ok=True)
        os.mkfifo(path)
        return name

    return apply


@dataclass(frozen=True)
class Case:
    """One bad input: the command, how to make the input, the exit status and the message."""

    args: tuple[str, ...]
    code: int
    needles: tuple[str, ...]
    tables: Callable[[Path], str] | None = None
    also: tuple[str, ...] = field(default=())


_TOMORROW = (dt.date.today() + dt.timedelta(days=1)).isoformat()
_BUILD = ("build", "--data", "{data}", "--out", "{out}")
# port 9 (discard): nothing may be sent there, every case is refused before
_LOAD = ("load", "--endpoint", "http://127.0.0.1:9/", "--file", "{bad}/labels.nt")

CASES: dict[str, Case] = {
    # class 1: cells that would become invalid IRIs or ill-typed literals
    "table-superscript-digit": Case(
        _BUILD, 1, ("not a non-negative whole number",), _edit("phenotypes", "has_count", "²")
    ),
    "table-arabic-digit-year": Case(
        _BUILD, 1, ("not a plausible year",), _edit("publications", "year", "20\u0662\u0660")
    ),
    "table-percent-nan": Case(
        _BUILD, 1, ("'nan' is not a number",), _edit("associations", "has_percentage", "nan")
    ),
    "table-url-with-angle-brackets": Case(
        _BUILD,
        1,
        ("becomes the IRI", "Invalid IRI code point '<'"),
        _edit("publications", "url", "https://example.org/a<b>"),
    ),
    "table-source-with-brace": Case(
        _BUILD,
        1,
        ("Invalid IRI code point '{'",),
        _edit("statements", "source", "https://example.org/{x}"),
    ),
    "table-date-basic-format": Case(
        _BUILD, 1, ("'20261122' is not an ISO date",), _edit("xrefs", "date_curated", "20261122")
    ),
    "table-date-in-future": Case(
        _BUILD,
        1,
        (f"{_TOMORROW} is in the future",),
        _edit("phenotypes", "date_curated", _TOMORROW),
    ),
    "table-unknown-prefix-digits": Case(
        _BUILD,
        1,
        ("does not match the HP pattern",),
        _edit("phenotypes", "object", "HP:00\u06600001"),
    ),
    # class 6: curation gaps
    "nodes-mondo-id-unverified": Case(
        _BUILD,
        1,
        ("verified_in names no source it can be checked in", "MONDO-MAP"),
        _edit("nodes", "verified_in", "memory", row="MONDO:"),
    ),
    "associations-self-reference": Case(
        _BUILD,
        1,
        ("MONDO:0010580 is related to itself",),
        _edit("associations", "subject", "MONDO:0010580", row="biolink:similar_to"),
    ),
    "associations-cycle": Case(
        _BUILD,
        1,
        ("biolink:contributes_to runs in a cycle: ",),
        _reversed_row("biolink:contributes_to"),
    ),
    # class 3: line numbers after characters str.splitlines() breaks on
    "table-u0085-in-cell": Case(
        _BUILD, 1, ("U+0085", "data/statements.tsv:5"), _two_problems("\x85")
    ),
    "table-u2028-in-cell": Case(
        _BUILD, 1, ("U+2028", "data/statements.tsv:5"), _two_problems("\u2028")
    ),
    "table-form-feed-in-cell": Case(
        _BUILD, 1, ("U+000C", "data/statements.tsv:5"), _two_problems("\x0c")
    ),
    # class 3: unreadable tables are exit 2, naming the file (and the line where there is one)
    "table-nul-byte-line-4": Case(
        _BUILD,
        2,
        ("data/statements.tsv:4: binary content",),
        _raw("statements", _insert_line("statements", 4, "x\x00y")),
    ),
    "table-not-utf8-line-3": Case(
        _BUILD,
        2,
        ("data/nodes.tsv:3: not valid UTF-8",),
        _raw("nodes", lambda b: b.replace(b"\n", b"\n\xff", 2).replace(b"\n\xff", b"\n", 1)),
    ),
    "table-empty": Case(_BUILD, 2, ("data/xrefs.tsv: empty file",), _raw("xrefs", lambda b: b"")),
    "table-missing": Case(
        _BUILD,
        2,
        ("data/xrefs.tsv: cannot read the file: No such file",),
        _raw("xrefs", lambda b: None),
    ),
    "table-is-a-directory": Case(
        _BUILD,
        2,
        ("data/xrefs.tsv: cannot read the file: Is a directory",),
        _raw("xrefs", lambda b: b"/"),
    ),
    "table-too-large": Case(
        _BUILD,
        2,
        ("data/statements.tsv: ", "a table may have at most 10000000"),
        _raw("statements", lambda b: b + b"#" * 10_000_001),
    ),
    "data-folder-missing": Case(
        ("build", "--data", "{tmp}/nowhere", "--out", "{out}"), 2, ("nowhere: no such folder",)
    ),
    "lint-empty-table": Case(
        ("lint", "--data", "{data}"),
        2,
        ("data/xrefs.tsv: empty file",),
        _raw("xrefs", lambda b: b""),
    ),
    "lint-check-u2028": Case(
        ("lint", "--check", "--data", "{data}"), 1, ("U+2028",), _two_problems("\u2028")
    ),
    # class 2: every argument is checked before anything is written
    "build-unknown-query": Case(
        ("build", "--out", "{out}", "--query", "no-such-query"), 2, ("no stored query named",)
    ),
    "build-empty-out": Case(("build", "--out", ""), 2, ("output folder name is empty",)),
    "release-out-is-a-file": Case(
        ("release", "--out", "{out}/ipexkg.ttl"), 2, ("exists and is not a folder",)
    ),
    "export-out-holds-other-files": Case(
        ("export", "--format", "ttl", "--out", "{tmp}"), 2, ("holds files ipexkg did not write",)
    ),
    # RDF files in every format
    "rdfxml-billion-laughs": Case(
        ("convert", "{bad}/billion-laughs.rdf", "{tmp}/x.nt"),
        2,
        ("billion-laughs.rdf:3:2: declares an XML entity",),
    ),
    "trig-unclosed-graph-at-end": Case(
        ("convert", "{bad}/unclosed-graph.trig", "{tmp}/x.nt"),
        2,
        ("unclosed-graph.trig:3:19: trig syntax error",),
    ),
    "ntriples-nul-byte": Case(
        ("convert", "{bad}/nul-byte.nt", "{tmp}/x.ttl"), 2, ("nul-byte.nt:2:", "NUL byte")
    ),
    "ntriples-latin1": Case(
        ("convert", "{bad}/latin1.nt", "{tmp}/x.ttl"), 2, ("latin1.nt:2:", "not valid UTF-8")
    ),
    "ntriples-iri-with-space": Case(
        ("convert", "{bad}/space-iri.nt", "{tmp}/x.ttl"), 2, ("space-iri.nt:1",)
    ),
    "turtle-iri-with-brace": Case(
        ("convert", "{bad}/brace-iri.ttl", "{tmp}/x.nt"), 2, ("Invalid IRI code point '{'",)
    ),
    "rdfxml-predicate-ending-in-digits": Case(
        ("convert", "{bad}/digit-predicate.nt", "{tmp}/x.rdf"),
        2,
        ("<http://example.org/p/123> cannot be written in RDF/XML",),
    ),
    "jsonld-remote-context": Case(
        ("convert", "{bad}/remote-context.jsonld", "{tmp}/x.nt"),
        2,
        ("remote JSON-LD @context",),
    ),
    "jsonld-not-an-object": Case(
        ("validate", "{bad}/string.jsonld"),
        2,
        ("string.jsonld: not a JSON-LD document: it holds a str",),
    ),
    # before, rdflib's AttributeError ("'int' object has no attribute 'find'") was the message
    "jsonld-number-as-base": Case(
        ("validate", "{bad}/number-base.jsonld"),
        2,
        ("number-base.jsonld: json-ld syntax error: not valid json-ld (a keyword or value",),
    ),
    # before, these validated as "conforms" with 0 triples, while an empty file was an error
    "jsonld-only-scalars": Case(
        ("validate", "{bad}/scalars.jsonld"), 2, ("scalars.jsonld: holds no RDF statements",)
    ),
    "turtle-no-statements": Case(
        ("convert", "{bad}/no-statements.ttl", "{tmp}/x.nt"),
        2,
        ("no-statements.ttl: holds no RDF statements",),
    ),
    # a pipe would block the reader and a device may never end: neither is read (before, a pipe
    # hung and /dev/zero ran out of memory)
    "rdf-input-is-a-pipe": Case(
        ("convert", "{tmp}/pipe.nt", "{tmp}/x.ttl"),
        2,
        ("is not a regular file (a folder, device, pipe or socket)",),
        _pipe("pipe.nt"),
    ),
    "rdf-input-is-a-device": Case(
        ("diff", "/dev/zero", "{bad}/labels.nt"), 2, ("/dev/zero: is not a regular file",)
    ),
    "table-is-a-pipe": Case(
        ("lint", "--check", "--data", "{data}"),
        2,
        ("not a regular file (a device, pipe or socket)",),
        _pipe("curators"),
    ),
    "diff-missing-file": Case(
        ("diff", "{tmp}/none", "{bad}/labels.nt"), 2, ("none: no such file",)
    ),
    # load checks the file, the graph and the URL before it sends anything (before, garbage was
    # uploaded with exit 0, and a malformed URL was an internal error)
    "load-unreadable-file": Case(
        ("load", "--endpoint", "http://127.0.0.1:9/", "--file", "{bad}/brace-iri.ttl"),
        2,
        ("brace-iri.ttl: syntax error", "Invalid IRI code point '{'"),
    ),
    "load-graph-not-an-iri": Case(
        (*_LOAD, "--graph", "not an iri"),
        2,
        ("--graph 'not an iri': not an absolute IRI",),
    ),
    "load-malformed-url": Case(
        ("load", "--endpoint", "http://[::1", "--file", "{bad}/labels.nt"),
        2,
        ("http://[::1: not a valid endpoint URL",),
    ),
    "query-endpoint-not-http": Case(
        ("query", "causal-gene", "--endpoint", "ftp://example.org/sparql"),
        2,
        ("ftp://example.org/sparql: not an http:// or https:// URL",),
    ),
    "validate-missing-file": Case(("validate", "{tmp}/none.ttl"), 2, ("none.ttl: no such file",)),
    # queries
    "query-comments-only": Case(
        ("query", "--file", "{bad}/empty.rq"), 2, ("empty.rq: holds no query",)
    ),
    "query-update": Case(("query", "--file", "{bad}/update.rq"), 2, ("is a SPARQL update",)),
    # an endless file: read up to a bound, not until memory runs out
    "query-endless-file": Case(
        ("query", "--file", "/dev/zero"), 2, ("/dev/zero: longer than 1,048,576 bytes",)
    ),
    "query-endpoint-graph-alone": Case(
        ("query", "causal-gene", "--endpoint-graph", "http://example.org/g"),
        2,
        ("--endpoint-graph names a graph of --endpoint URL",),
    ),
    "query-missing-parameter": Case(
        ("query", "publications-for-fact"),
        2,
        ("requires the parameter 'subject' (an IRI or CURIE; --param subject=VALUE",),
    ),
    # checked before anything is built or written: build takes no --param
    "build-query-with-parameters": Case(
        (*_BUILD, "--query", "publications-for-fact"),
        2,
        ("query 'publications-for-fact' needs parameters (subject, object)",),
    ),
    **{
        f"query-{name}": Case(
            ("query", "--file", f"{{bad}}/{name}.rq", "--graph", "{bad}/labels.nt"),
            2,
            (needle,),
        )
        for name, needle in (
            ("sum-of-iris", "rdflib cannot evaluate the query"),
            ("graph-pattern", "rdflib cannot evaluate the query"),
            ("bad-regex", "rdflib cannot evaluate the query"),
            ("construct-bad-iri", "CONSTRUCT result has an invalid IRI"),
        )
    },
    **{
        f"query-runaway-{engine}": Case(
            (
                *("query", "--file", "{bad}/cross-product.rq", "--graph", "{tmp}/many.nt"),
                *("--engine", engine, "--timeout", "1"),
            ),
            2,
            ("the query ran longer than 1 s and was stopped",),
        )
        for engine in ("rdflib", "oxigraph")
    },
}


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("name", sorted(CASES), ids=lambda n: n)
def test_bad_input_gives_a_clear_message_and_writes_nothing(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = CASES[name]
    data = tmp_path / "data"
    shutil.copytree(data_dir(), data)
    where = case.tables(data) if case.tables else None
    out = tmp_path / "out"
    replace_folder(out, _OLD)
    (tmp_path / "many.nt").write_text(
        "".join(f'<http://example.org/s{i}> <http://example.org/p> "{i}" .\n' for i in range(300)),
        encoding="utf-8",
    )
    before = _digest(tmp_path)
    values = {"data": str(data), "out": str(out), "tmp": str(tmp_path), "bad": str(BAD)}
    code = main([arg.format(**values) for arg in case.args])
    captured = capsys.readouterr()
    err = captured.err
    assert code == case.code, err
    for needle in (*case.needles, *((where,) if where else ())):
        assert needle in err, f"{needle!r} not in:\n{err}"
    assert "Traceback" not in err and "internal error" not in err
    for line in err.splitlines():  # one line per problem, nothing else
        assert line.startswith(("error: ", "warning: ")) or "problem(s)" in line, err
    assert _digest(tmp_path) == before, "a failed command changed a file"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out.ipexkg-")) == []


def test_unexpected_error_is_one_line_with_exit_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(args: object) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr("ipexkg.cli._cmd_lint", broken)
    assert main(["lint", "--check"]) == 3
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "internal error: ipexkg lint failed with RuntimeError: boom" in err
    assert "test_bad_inputs.py" in err and "in broken" in err and "--debug" in err
    assert main(["--debug", "lint", "--check"]) == 3
    assert "Traceback (most recent call last)" in capsys.readouterr().err


def test_doi_with_angle_brackets_becomes_a_percent_encoded_iri() -> None:
    from ipexkg.identifiers import expand
    from ipexkg.terms import iri_problem

    iri = str(expand("doi:10.1002/(SICI)1097-4628(19960404)60:1<1::AID-APP1>3.0.CO;2-O"))
    assert iri == "https://doi.org/10.1002/(SICI)1097-4628(19960404)60:1%3C1::AID-APP1%3E3.0.CO;2-O"
    assert iri_problem(iri) is None


def test_relative_iris_resolve_against_the_file_not_the_current_folder(tmp_path: Path) -> None:
    outputs = []
    for cwd in (tmp_path, BAD):
        target = tmp_path / f"from-{cwd.name}.nt"
        proc = subprocess.run(
            [sys.executable, "-m", "ipexkg", "convert", str(BAD / "relative.ttl"), str(target)],
            cwd=cwd,
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, proc.stderr
        outputs.append(target.read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]
    base = (BAD / "relative.ttl").resolve().as_uri()
    assert f"<{base}#me>" in outputs[0]
    for engine in ("rdflib", "oxigraph"):  # both engines resolve them the same way
        target = tmp_path / f"{engine}.csv"
        select = tmp_path / "all.rq"
        select.write_text("SELECT ?s WHERE { ?s ?p ?o }\n", encoding="utf-8")
        args = ["query", "--file", str(select), "--graph", str(BAD / "relative.ttl")]
        assert main([*args, "--engine", engine, "--format", "csv", "--out", str(target)]) == 0
        assert target.read_text(encoding="utf-8").split() == ["s", f"{base}#me"]


def test_describe_prints_turtle_and_ascii_terminal_gets_escapes() -> None:
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    for args in (
        ["--file", str(BAD / "describe.rq")],
        ["--file", str(BAD / "describe.rq"), "--engine", "oxigraph"],
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "ipexkg", "query", *args, "--graph", str(BAD / "labels.nt")],
            capture_output=True,
            text=True,
            env=env,
        )
        assert proc.returncode == 0, proc.stderr
        assert '"caf\\xe9 \\xb2"' in proc.stdout  # escaped, not a UnicodeEncodeError
        assert "Traceback" not in proc.stderr
        # the ill-typed date gives one warning line, never a logged traceback
        assert all(line.startswith("warning: ") for line in proc.stderr.splitlines())


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("query", "causal-gene", "--timeout", "nan"), "--timeout: nan is not a number of seconds"),
        (("query", "causal-gene", "--timeout", "inf"), "--timeout: inf is not a number of seconds"),
        (("query", "causal-gene", "--timeout", "1e10"), "from 0 to 86400"),
        (("query", "causal-gene", "--timeout", "-1"), "--timeout: -1 is not"),
        (("query", "causal-gene", "--timeout", "soon"), "'soon' is not a number of seconds"),
        (("query", "causal-gene", "--width", "-5"), "--width: -5 is not a whole number"),
        (("differential", "OMIM:304790", "--top", "0"), "--top: 0 is not a whole number"),
        (("serve", "--workers", "0"), "--workers: 0 is not a whole number from 1 to 64"),
        (("serve", "--port", "99999"), "--port: 99999 is not a whole number from 1 to 65535"),
        (("serve", "--timeout", "0"), "--timeout: 0 is not a number of seconds above 0"),
        (("serve", "--max-rows", "-1"), "--max-rows: -1 is not a whole number"),
        (("serve", "--max-query-chars", "x"), "--max-query-chars: 'x' is not a whole number"),
        # an empty name used to mean the default store (integrate filled the user's cache)
        (("query", "causal-gene", "--store", ""), "--store: the folder name is empty"),
        (("integrate", "hpo", "--store", " "), "--store: the folder name is empty"),
        # Path("") is the current folder: lint read "/curators.tsv" and eight more, card wrote "."
        (("lint", "--data", ""), "--data: the folder name is empty"),
        (("card", "--out", ""), "--out: the file name is empty"),
        (("query", "--export-catalogue", ""), "--export-catalogue: the file name is empty"),
    ],
)
def test_out_of_range_options_are_usage_errors(args: tuple[str, ...], needle: str) -> None:
    # before, nan or inf crashed 'query' in its timer (exit 3), 1e10 overflowed it, -1 was
    # taken, 'serve --workers 0' hung and --port 99999 printed uvicorn's traceback
    done = subprocess.run(
        [sys.executable, "-m", "ipexkg", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert needle in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_serve_names_an_address_it_cannot_listen_on() -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        for host, reason in (("127.0.0.1", "in use"), ("256.1.1.1", "")):
            done = subprocess.run(
                [sys.executable, "-m", "ipexkg", "serve", "--host", host, "--port", str(port)],
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert done.returncode == 2, done.stderr
            assert done.stderr.startswith(f"error: cannot serve on {host}:{port}: ")
            assert reason in done.stderr and "Traceback" not in done.stderr


def test_lint_finds_and_rewrites_crlf_line_ends(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    shutil.copytree(data_dir(), data)
    table = data / "phenotypes.tsv"
    canonical = table.read_bytes()
    table.write_bytes(canonical.replace(b"\n", b"\r\n"))
    # before, lint --check read the file with newline translation and said "ok"
    assert main(["lint", "--check", "--data", str(data)]) == 1
    assert "not in canonical form: data/phenotypes.tsv" in capsys.readouterr().err
    assert main(["lint", "--data", str(data)]) == 0
    assert table.read_bytes() == canonical
