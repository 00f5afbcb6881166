"""The JSON-LD context of the package: every bound prefix, shipped as a file for offline use."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from ipexkg.namespaces import PREFIXES

__all__ = ["CONTEXT_IRI", "context_document", "context_text"]

#: the IRI under which the context is published; readers resolve it to the shipped copy
CONTEXT_IRI = "https://w3id.org/ipexkg/context.jsonld"


_GEN_DELIMS = (":", "/", "?", "#", "[", "]", "@")


def _term(namespace: str) -> str | dict[str, Any]:
    # JSON-LD 1.1 uses a term as a CURIE prefix only if its IRI ends in a gen-delim character
    # or the term says "@prefix": true (OBO PURLs end in "_", e.g. MONDO_).
    if namespace.endswith(_GEN_DELIMS):
        return namespace
    return {"@id": namespace, "@prefix": True}


@lru_cache(maxsize=1)
def context_document() -> dict[str, Any]:
    """Return the context: every bound prefix as a JSON-LD 1.1 prefix term, sorted."""
    terms = {prefix: _term(str(ns)) for prefix, ns in sorted(PREFIXES.items())}
    return {"@context": {"@version": 1.1, **terms}}


def context_text() -> str:
    """Return the context as the deterministic JSON text of ``ontology/ipexkg.context.jsonld``."""
    return json.dumps(context_document(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
