"""Run kgx (in its own virtual environment) offline, against a local Biolink model schema.

kgx and its Biolink Model Toolkit fetch the model and a predicate map from GitHub when they are
imported. This script makes every network connection fail, then points the toolkit at the
``biolink_model.yaml`` given on the command line (the pinned ``biolink-model`` package's copy)
before kgx is imported, and runs kgx's own ``validate`` or ``transform``:

    python kgx_tool.py validate SCHEMA NODES EDGES REPORT
    python kgx_tool.py transform SCHEMA NODES EDGES OUT_PREFIX
    python kgx_tool.py transform-in-memory SCHEMA NODES EDGES OUT_PREFIX

``validate`` writes kgx's JSON report and exits 1 when kgx reports any error. ``transform`` is
kgx's streaming route (``kgx transform --stream``); it writes ``OUT_PREFIX_nodes.jsonl`` and
``OUT_PREFIX_edges.jsonl`` (JSON Lines: kgx's streaming TSV writer knows only its core columns).
``transform-in-memory`` is kgx's default route, which keys edges by subject, predicate and object
and so merges edges that differ only in their sources.
"""

from __future__ import annotations

import json
import socket
import sys
from typing import Any


def _offline(*args: Any, **kwargs: Any) -> Any:
    raise OSError("kgx_tool: network access is disabled (the tests run offline)")


def main(argv: list[str]) -> int:
    command, schema, nodes, edges, out = argv
    socket.socket.connect = _offline  # type: ignore[method-assign]
    socket.create_connection = _offline  # type: ignore[assignment]

    import bmt.toolkit
    import requests

    class _EmptyYaml:
        text = "{}"

    def _get(url: str, *args: Any, **kwargs: Any) -> Any:
        if url == bmt.toolkit.PREDICATE_MAP:  # only used to map non-Biolink predicates
            return _EmptyYaml()
        raise OSError(f"kgx_tool: refused to fetch {url} (the tests run offline)")

    requests.get = _get  # type: ignore[assignment]
    defaults = list(bmt.toolkit.Toolkit.__init__.__defaults__ or ())
    defaults[0] = schema
    bmt.toolkit.Toolkit.__init__.__defaults__ = tuple(defaults)

    from pathlib import Path

    import kgx.config

    # the prefix map of the same biolink-model package (kgx would fetch a JSON-LD context)
    prefixes = Path(schema).parent.parent / "prefixmaps" / "biolink_model_prefix_map.json"
    kgx.config.jsonld_context_map["biolink"] = json.loads(prefixes.read_text(encoding="utf-8"))

    from kgx.cli.cli_utils import transform, validate
    from kgx.utils import kgx_utils

    kgx_utils.get_biolink_model_schema = lambda release: schema  # type: ignore[assignment]

    if command == "validate":
        with open(out, "w", encoding="utf-8") as report:
            errors = validate([nodes, edges], "tsv", None, None, "4.4.6")
            json.dump(errors, report, indent=1, sort_keys=True, default=str)
        return 1 if errors else 0
    if command in ("transform", "transform-in-memory"):
        transform(
            inputs=[nodes, edges],
            input_format="tsv",
            input_compression=None,
            output=out,
            output_format="jsonl",
            output_compression=None,
            stream=command == "transform",
        )
        return 0
    print(f"unknown command {command!r}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
