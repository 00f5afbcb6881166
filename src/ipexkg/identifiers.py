"""Identifiers: the package's single prefix map, CURIE <-> IRI conversion and CURIE checks.

The prefix map is the pinned Biolink model map plus the few prefixes it lacks
(``ontology/prefixes/extra_prefixes.json``); prefix synonyms such as ``ORPHA`` or ``MIM`` are
normalised to the canonical spelling on input.

:func:`expand` and :func:`compress` work on the prefix map directly (a dictionary lookup and a
longest-URI-prefix match) rather than through a ``curies.Converter``: importing ``curies``
(pydantic) and building the converter cost about 0.4 s, more than a whole cached
``ipexkg query``. :func:`converter` still gives the ``curies`` converter of the same map, and the
tests check that both agree on every IRI of the graph.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from rdflib import URIRef

from ipexkg.resources import biolink_prefix_map_path, extra_prefixes_path
from ipexkg.terms import encode_iri_part

if TYPE_CHECKING:
    import curies

__all__ = [
    "CurieError",
    "PrefixMap",
    "check_curie",
    "compress",
    "converter",
    "expand",
    "normalize_curie",
    "prefix_map",
    "split_identifiers",
]


class CurieError(ValueError):
    """A string that is not a well-formed CURIE of a known prefix."""


@dataclass(frozen=True)
class PrefixMap:
    """The merged prefix map: canonical prefix -> URI prefix, synonyms and patterns."""

    prefixes: dict[str, str]
    synonyms: dict[str, str]
    patterns: dict[str, re.Pattern[str]]


@lru_cache(maxsize=1)
def prefix_map() -> PrefixMap:
    """Load the pinned Biolink prefix map merged with the package's additions."""
    biolink = json.loads(biolink_prefix_map_path().read_text(encoding="utf-8"))
    extra = json.loads(extra_prefixes_path().read_text(encoding="utf-8"))
    prefixes = dict(biolink)
    prefixes.update(extra["prefixes"])
    # ASCII: an identifier's digits are 0-9 (Python's \d also matches '²')
    patterns = {p: re.compile(rx, re.ASCII) for p, rx in extra["patterns"].items()}
    return PrefixMap(prefixes=prefixes, synonyms=dict(extra["synonyms"]), patterns=patterns)


@lru_cache(maxsize=1)
def converter() -> curies.Converter:
    """Return the ``curies`` converter built from :func:`prefix_map` (for other libraries)."""
    import curies

    pm = prefix_map()
    synonyms: dict[str, list[str]] = {}
    for alias, canonical in pm.synonyms.items():
        synonyms.setdefault(canonical, []).append(alias)
    records = [
        curies.Record(
            prefix=prefix, uri_prefix=uri_prefix, prefix_synonyms=sorted(synonyms.get(prefix, []))
        )
        for prefix, uri_prefix in sorted(pm.prefixes.items())
    ]
    return curies.Converter(records)


def normalize_curie(curie: str) -> str:
    """Return ``curie`` with its prefix in canonical spelling (``ORPHA:1`` -> ``Orphanet:1``)."""
    prefix, sep, local = curie.partition(":")
    if not sep:
        raise CurieError(f"{curie!r} is not a CURIE (expected PREFIX:ID)")
    prefix = prefix_map().synonyms.get(prefix, prefix)
    return f"{prefix}:{local}"


_LIST_SEPARATORS = re.compile(r"[\s,]+")


def split_identifiers(text: str) -> list[str]:
    """Split a list of CURIEs or IRIs written with commas, spaces or both between them."""
    return [item for item in _LIST_SEPARATORS.split(text) if item]


def check_curie(curie: str) -> str:
    """Check that ``curie`` is canonical, has a known prefix and matches the prefix's pattern.

    :returns: the CURIE unchanged
    :raises CurieError: naming the problem and, where possible, the fix
    """
    prefix, sep, local = curie.partition(":")
    if not sep or not prefix or not local:
        raise CurieError(f"{curie!r} is not a CURIE (expected PREFIX:ID)")
    pm = prefix_map()
    if prefix in pm.synonyms:
        raise CurieError(
            f"{curie!r} uses the prefix synonym {prefix!r}; write {pm.synonyms[prefix]!r}"
        )
    if prefix not in pm.prefixes and prefix not in pm.patterns:
        raise CurieError(f"{curie!r} has an unknown prefix {prefix!r}")
    pattern = pm.patterns.get(prefix)
    if pattern is None:
        raise CurieError(f"{curie!r}: prefix {prefix!r} has no identifier pattern; add one")
    if not pattern.match(local):
        raise CurieError(f"{curie!r} does not match the {prefix} pattern {pattern.pattern}")
    return curie


def expand(curie: str) -> URIRef:
    """Expand a CURIE (synonyms allowed) to an IRI.

    What an IRI cannot hold as it is (a DOI's ``<``, ``>``, a space, ``%``) is percent-encoded.

    :raises CurieError: when the prefix is unknown
    """
    prefix, _, local = normalize_curie(curie).partition(":")
    uri_prefix = prefix_map().prefixes.get(prefix)
    if uri_prefix is None:
        raise CurieError(f"{curie!r} has an unknown prefix")
    return URIRef(uri_prefix + encode_iri_part(local))


@lru_cache(maxsize=1)
def _by_uri_prefix() -> tuple[dict[str, str], tuple[int, ...]]:
    """Return URI prefix -> prefix, and the URI prefixes' lengths, longest first."""
    reverse = {uri: prefix for prefix, uri in prefix_map().prefixes.items()}
    return reverse, tuple(sorted({len(uri) for uri in reverse}, reverse=True))


@lru_cache(maxsize=65536)
def compress(iri: str) -> str:
    """Compress an IRI to a canonical CURIE, or return the IRI itself when no prefix fits.

    The longest URI prefix of the map that starts the IRI wins (as ``curies`` decides).
    """
    text = str(iri)
    reverse, lengths = _by_uri_prefix()
    for length in lengths:
        prefix = reverse.get(text[:length])
        if prefix is not None:
            return f"{prefix}:{text[length:]}"
    return text
