"""What the endpoint refuses before a query reaches the engine: updates and anything that fetches.

pyoxigraph evaluates ``SERVICE`` by calling the remote endpoint, and rdflib also loads ``FROM``
IRIs from the web, so a query is scanned token by token first: comments, strings and IRIs are
skipped, and what remains is matched against the keywords that would change data or reach out.
The scan is deliberately stricter than the grammar (a keyword refused anywhere outside a string,
an IRI or a prefixed name); the engine's own parser then reports every other syntax error.
SPARQL's ``\\uXXXX`` escapes are undone first, as the grammar says they are before parsing, so an
escaped keyword cannot slip through.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator

from ipexkg.engines import token_end
from ipexkg.queries import QueryError

__all__ = [
    "MAX_NESTING",
    "MAX_OPERATORS",
    "UPDATE_KEYWORDS",
    "Refusal",
    "check_dataset",
    "check_query",
    "unescape_codepoints",
]

#: keywords that open a SPARQL 1.1 Update operation
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)
# keywords that also end a prefixed name glued to them (SERVICE:x, FROM:g)
_WATCHED = UPDATE_KEYWORDS | {"SERVICE", "FROM", "NAMED"}
#: the deepest nesting of brackets and the most operator characters a query may have: Oxigraph's
#: parser recurses on both and overflows its stack (killing the worker) near 2,500 nested braces
#: or 9,000 chained additions, within the length limit; the stored queries nest 15 deep and
#: have 12 operators at the most
MAX_NESTING = 100
MAX_OPERATORS = 2000
_OPENING, _CLOSING = "({[", ")}]"
_OPERATORS = frozenset("!+-*/&|")
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_PNAME_NS = re.compile(r"([A-Za-z][\w.-]*)?:")
_PNAME = re.compile(r"([A-Za-z][\w.-]*)?:([\w.%:-]*)")


class Refusal(Exception):  # noqa: N818 - a refusal is the answer, not a fault
    """A request the endpoint will not run: the HTTP status and the message for the client."""

    def __init__(self, status: int, message: str) -> None:
        """Keep both in ``args`` so that the refusal crosses from a worker process intact."""
        super().__init__(status, message)
        self.status = status
        self.message = message

    def __str__(self) -> str:
        return self.message


def unescape_codepoints(text: str) -> str:
    """Return ``text`` with SPARQL's ``\\uXXXX`` / ``\\UXXXXXXXX`` escapes replaced.

    :raises Refusal: for an escape that names no Unicode character
    """

    def char(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise Refusal(400, f"the escape {match.group(0)} names no Unicode character")
        return chr(code)

    return _CODEPOINT.sub(char, text)


def _skip(text: str, i: int) -> int:
    """Return the index after the comment, string or IRI at ``text[i]`` (else ``i``)."""
    try:
        return token_end(text, i)
    except QueryError:
        raise Refusal(400, "SPARQL syntax error: a string is not closed") from None


def _tokens(text: str) -> Iterator[tuple[str, str]]:
    """Yield ``(kind, token)`` pairs: ``iri``, ``pname``, ``word`` and ``other``."""
    i = 0
    n = len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
        elif (end := _skip(text, i)) != i:
            if char == "<":
                yield "iri", text[i + 1 : end - 1]
            elif char != "#":
                yield "string", ""
            i = end
        elif char in "?$@":
            match = _WORD.match(text, i + 1)
            i = match.end() if match else i + 1
            yield "other", char
        elif char == "_" and text.startswith("_:", i):
            match = re.compile(r"[\w.-]*").match(text, i + 2)
            i = match.end() if match else i + 2
            yield "other", "_:"
        elif char.isalpha() or char == ":":
            pname = _PNAME.match(text, i)
            if pname:
                prefix = (pname.group(1) or "").upper()
                if prefix in _WATCHED:
                    # Oxigraph reads SERVICE:x as the keyword and the name :x
                    yield "word", prefix
                    yield "pname", pname.group(0)[len(prefix) :]
                else:
                    yield "pname", pname.group(0)
                i = pname.end()
                continue
            match = _WORD.match(text, i)
            if match is None:  # a letter outside ASCII: part of no keyword
                yield "other", char
                i += 1
                continue
            yield "word", match.group(0).upper()
            i = match.end()
        else:
            yield "other", char
            i += 1


def check_query(text: str, local_graphs: Collection[str] = ()) -> str:
    """Return the query to run (escapes undone), or refuse it.

    :param local_graphs: IRIs of the named graphs this endpoint holds (``FROM`` may name them)
    :raises Refusal: 403 for an update; 400 for ``SERVICE``, or ``FROM``/``FROM NAMED`` naming a
        graph the endpoint does not hold
    """
    text = unescape_codepoints(text)
    prefixes: dict[str, str] = {}
    tokens = list(_tokens(text))
    _check_size(tokens)
    for k, (kind, word) in enumerate(tokens):
        if kind != "word":
            continue
        if word == "PREFIX" and k + 2 < len(tokens) and tokens[k + 2][0] == "iri":
            prefixes[tokens[k + 1][1].rstrip(":")] = tokens[k + 2][1]
            continue
        if word in UPDATE_KEYWORDS:
            raise Refusal(
                403,
                f"this endpoint is read-only: SPARQL Update ({word} ...) is refused",
            )
        if word == "SERVICE":
            raise Refusal(
                400, "SERVICE is refused: this endpoint never calls another endpoint or server"
            )
        if word == "FROM":
            k2 = k + 2 if k + 1 < len(tokens) and tokens[k + 1][1] == "NAMED" else k + 1
            named = tokens[k2] if k2 < len(tokens) else ("other", "")
            check_dataset(_resolve(named, prefixes), local_graphs, "FROM")
    return text


def _check_size(tokens: list[tuple[str, str]]) -> None:
    """Refuse a query nested deeper or with more operators than the engine parses safely."""
    depth = deepest = operators = 0
    for kind, token in tokens:
        if kind != "other":
            continue
        if token in _OPENING:
            depth += 1
            deepest = max(deepest, depth)
        elif token in _CLOSING:
            depth -= 1
        elif token in _OPERATORS:
            operators += 1
    if deepest > MAX_NESTING:
        raise Refusal(
            400,
            f"the query nests brackets {deepest} deep; this endpoint parses at most {MAX_NESTING}",
        )
    if operators > MAX_OPERATORS:
        raise Refusal(
            400,
            f"the query has {operators} operator characters (! + - * / & |); this endpoint "
            f"parses at most {MAX_OPERATORS}",
        )


def _resolve(token: tuple[str, str], prefixes: dict[str, str]) -> str:
    kind, value = token
    if kind == "iri":
        return value
    if kind == "pname":
        prefix, _, local = value.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + local
        return value
    raise Refusal(400, "SPARQL syntax error: FROM must be followed by an IRI")


def check_dataset(iri: str, local_graphs: Collection[str], where: str) -> None:
    """Refuse a graph IRI (``FROM``, ``default-graph-uri`` ...) that names no local graph.

    :raises Refusal: 400, saying which graphs the endpoint holds
    """
    if iri in local_graphs:
        return
    held = ", ".join(f"<{g}>" for g in sorted(local_graphs)) or "none: use the default graph"
    raise Refusal(
        400,
        f"{where} <{iri}> is refused: it names no graph of this endpoint, which never fetches "
        f"data from elsewhere (its named graphs: {held})",
    )
