"""Reading RDF files safely: format from the extension, clear errors, and never the network.

A syntax error is reported with the file, line and column. A JSON-LD document whose ``@context``
is remote is refused (the package's own context IRI is resolved to the copy it ships), and an
RDF/XML document that declares external entities is refused, so parsing never fetches anything.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph
from rdflib.exceptions import ParserError
from rdflib.plugins.parsers.notation3 import BadSyntax

from ipexkg.errors import InputError
from ipexkg.jsonld import CONTEXT_IRI, context_document

__all__ = ["FORMATS", "QUAD_FORMATS", "format_for", "read_graph", "read_rdf"]

#: file extension -> rdflib parser name
FORMATS = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
    ".trig": "trig",
    ".nq": "nquads",
}
QUAD_FORMATS = frozenset({"trig", "nquads"})
#: any entity declaration: external ones fetch, internal ones expand ("billion laughs")
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)


def format_for(path: Path) -> str:
    """Return the rdflib format of ``path`` from its extension.

    :raises InputError: for an extension the package does not read
    """
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise InputError(f"{path}: unknown RDF format {path.suffix!r}; use one of {known}")
    return fmt


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    """Return the 1-based line and column (in characters) of a byte ``offset``; -1 is the end."""
    if offset < 0:
        offset = len(data.rstrip())
    offset = max(0, min(offset, len(data)))
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, len(data[start:offset].decode("utf-8", "replace")) + 1


def _remote_contexts(node: Any) -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "@context":
                values = value if isinstance(value, list) else [value]
                found += [v for v in values if isinstance(v, str) and v != CONTEXT_IRI]
                found += [i for v in values if isinstance(v, dict) for i in _imports(v)]
            found += _remote_contexts(value)
    elif isinstance(node, list):
        for item in node:
            found += _remote_contexts(item)
    return found


def _imports(ctx: dict[str, Any]) -> list[str]:
    value = ctx.get("@import")
    return [value] if isinstance(value, str) else []


def _inline_own_context(node: Any) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "@context":
                values = value if isinstance(value, list) else [value]
                inlined = [
                    context_document()["@context"] if v == CONTEXT_IRI else v for v in values
                ]
                out[key] = inlined if isinstance(value, list) else inlined[0]
            else:
                out[key] = _inline_own_context(value)
        return out
    if isinstance(node, list):
        return [_inline_own_context(item) for item in node]
    return node


def _parse_jsonld(path: Path, text: str, graph: Graph, base: str) -> None:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}:{exc.colno}: JSON syntax error: {exc.msg}") from None
    if not isinstance(document, (dict, list)):
        raise InputError(
            f"{path}: not a JSON-LD document: it holds a {type(document).__name__}, not an "
            "object or an array of objects"
        )
    remote = _remote_contexts(document)
    if remote:
        raise InputError(
            f"{path}: refers to a remote JSON-LD @context ({remote[0]}); reading never touches "
            f"the network: inline the context, or use the package's own ({CONTEXT_IRI})"
        )
    graph.parse(data=json.dumps(_inline_own_context(document)), format="json-ld", base=base)


def _line_of_bad_statement(path: Path, text: str, fmt: str) -> str:
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            (Dataset() if fmt == "nquads" else Graph()).parse(data=line, format=fmt)
        except (ParserError, ValueError, BadSyntax) as exc:
            return f"{path}:{number}:1: {fmt} syntax error: {str(exc).splitlines()[0]}"
    return f"{path}: {fmt} syntax error"


def read_rdf(path: Path | str, fmt: str | None = None) -> Dataset:
    """Parse an RDF file into an rdflib ``Dataset`` (triples land in its default graph).

    :param path: the file; its extension selects the format unless ``fmt`` is given
    :raises InputError: missing, empty or binary file, unknown format, remote JSON-LD context,
        external XML entities, or a syntax error (with line and column where the parser knows them)
    """
    from ipexkg.files import check_input_file

    path = Path(path)
    check_input_file(path)
    fmt = fmt or format_for(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror})") from None
    if not data.strip():
        raise InputError(f"{path}: the file is empty")
    nul = data.find(b"\x00")
    if nul >= 0:
        line, col = _line_col(data, nul)
        raise InputError(f"{path}:{line}:{col}: binary content (NUL byte); expected {fmt} text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(data, exc.start)
        raise InputError(f"{path}:{line}:{col}: not valid UTF-8") from None
    entity = _ENTITY.search(data) if fmt == "xml" else None
    if entity:
        line, col = _line_col(data, entity.start())
        raise InputError(
            f"{path}:{line}:{col}: declares an XML entity; refused: an external XML entity "
            "would fetch from the network, internal ones can expand without bound"
        )
    # relative IRIs resolve against the file's own IRI, never the current folder
    base = path.resolve().as_uri()
    dataset = Dataset(default_union=True)
    try:
        if fmt == "json-ld":
            _parse_jsonld(path, text, dataset, base)
        else:
            dataset.parse(data=text, format=fmt, publicID=base)
    except InputError:
        raise
    except BadSyntax as exc:
        raw = exc._str if isinstance(exc._str, bytes) else str(exc._str).encode("utf-8")
        line, col = _line_col(raw, exc._i)
        why = str(exc).split("Bad syntax", 1)[-1].split(" at ^")[0].strip(" ()")
        raise InputError(f"{path}:{line}:{col}: {fmt} syntax error: {why}") from None
    except ParserError:
        raise InputError(_line_of_bad_statement(path, text, fmt)) from None
    except (TypeError, AttributeError, NameError, KeyError, IndexError) as exc:
        # the JSON-LD reader trips over a keyword with a value of the wrong type ("@base": 5):
        # its message names Python internals, not the document
        raise InputError(
            f"{path}: {fmt} syntax error: not valid {fmt} (a keyword or value of the wrong "
            f"type; rdflib's reader failed with {type(exc).__name__})"
        ) from None
    except Exception as exc:
        xml_line = getattr(exc, "getLineNumber", lambda: None)()
        xml_col = getattr(exc, "getColumnNumber", lambda: None)()
        where = f"{path}:{xml_line}:{(xml_col or 0) + 1}" if xml_line else str(path)
        message = str(exc).split(": ", 1)[-1] if xml_line else str(exc)
        raise InputError(f"{where}: {fmt} syntax error: {message}") from None
    if next(iter(dataset.quads((None, None, None, None))), None) is None:
        raise InputError(f"{path}: holds no RDF statements ({fmt} that reads as nothing)")
    return dataset


def read_graph(paths: Sequence[Path | str]) -> Graph:
    """Read RDF files into one graph: the union of their triples (named graphs included).

    :raises InputError: as :func:`read_rdf`, for the first file that cannot be read
    """
    from ipexkg.namespaces import bind

    graph = bind(Graph(bind_namespaces="core"))
    for path in paths:
        for triple in read_rdf(path).triples((None, None, None)):
            graph.add(triple)
    return graph
