"""KGX, the Biolink exchange format: the graph as node and edge records, and back to RDF.

An edge is an association node whose ``rdf:object`` is a node (not text). Its ``id`` is the
association's content-hash IRI, written in full: the ``ipexkg:`` prefix is not in the Biolink
prefix map, and a full IRI is self-describing, as KGX's own ``urn:uuid:`` edge ids are. Every other
identifier is a CURIE of the pinned Biolink prefix map (``MONDO:0010580``, ``PMID:…``,
``infores:…``; ``Orphanet:37042`` is ``ORDO:Orphanet_37042`` there, the same IRI), with a ``/`` in
a DOI percent-encoded (``doi:10.1172%2FJCI25112``: kgx's CURIE pattern forbids ``/``), or the IRI
itself where no prefix fits. A node whose id is no CURIE (a web page, a curator, the dataset) is
not a KGX node; its IRI stays in the ``publications``/``pav:curatedBy`` columns that cite it.
A statement whose predicate is not Biolink's is an ``rdf:Statement`` in RDF and an edge of
category ``biolink:Association`` here. ``in_taxon`` is written as an edge (id
``https://w3id.org/ipexkg/in_taxon/<hash>``): Biolink 4.4.6 makes the node slot multivalued while
kgx checks it as one string, and an edge is the form both accept. Every slot the association
carries becomes a column: Biolink slots under their Biolink names (``publications``,
``has_evidence``, ``primary_knowledge_source``, ``knowledge_level``, ``agent_type``,
``frequency_qualifier``, ``has_count``…), the other provenance properties under their CURIEs
(``dct:source``, ``pav:curatedBy``, ``pav:curatedOn``, ``ipex:frequency_text``). Predicates that
are not Biolink predicates are written as the nearest Biolink predicate with the exact one in
``original_predicate`` (``skos:exactMatch`` -> ``biolink:exact_match``).

A node is a subject with a Biolink category, or the subject or object of an edge (category
``biolink:NamedThing`` when the graph gives none). Its properties are columns in the same way;
text facts (synonyms, prevalence, prognosis…) are node properties, since KGX has no edge to a
text value, so their per-statement sources stay in the RDF exports. ``synonym`` and ``xref`` are
filled for KGX consumers from the exact columns (``oboInOwl:hasExactSynonym``…,
``skos:exactMatch`` edges, ``oboInOwl:hasDbXref``), and read back without duplicating them.
TSV joins several values with ``|``; JSON Lines gives lists. Rows are sorted by id.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from urllib.parse import unquote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from ipexkg.errors import InputError
from ipexkg.hpo_hierarchy import HP_IRI
from ipexkg.identifiers import compress, expand
from ipexkg.model import LITERAL_PREDICATES
from ipexkg.namespaces import BIOLINK, IPEX, IPEXKG, OBOINOWL, PAV, bind, curie_term
from ipexkg.resources import biolink_prefix_map_path

__all__ = [
    "EDGE_COLUMNS",
    "NODE_COLUMNS",
    "Column",
    "Kgx",
    "KgxRow",
    "graph_to_kgx",
    "kgx_files",
    "kgx_id",
    "kgx_jsonl",
    "kgx_to_graph",
    "kgx_tsv",
    "read_kgx",
]

#: a KGX record: column -> its values as strings (one value for a single-valued column)
KgxRow = Mapping[str, tuple[str, ...]]

_NAMED_THING = "biolink:NamedThing"
#: a statement whose predicate is not Biolink's is an rdf:Statement in RDF; KGX needs a Biolink
#: category on every edge, and biolink:Association is the class of any Biolink predicate
_STATEMENT = "rdf:Statement"
#: the id of an in_taxon edge: this prefix and a hash of its subject and taxon
_TAXON_EDGE = f"{IPEXKG}in_taxon/"
_ASSOCIATION = "biolink:Association"
_SYNONYMS = (
    OBOINOWL.hasExactSynonym,
    OBOINOWL.hasRelatedSynonym,
    OBOINOWL.hasBroadSynonym,
    OBOINOWL.hasNarrowSynonym,
)
#: non-Biolink predicates with the Biolink predicate KGX gets instead (Biolink 4.4.6:
#: ``exact match`` has skos:exactMatch among its exact mappings, ``close match`` has
#: oboInOwl:hasDbXref among its narrow mappings); any other one becomes biolink:related_to
_KGX_PREDICATE = MappingProxyType(
    {SKOS.exactMatch: "biolink:exact_match", OBOINOWL.hasDbXref: "biolink:close_match"}
)
_XREF_EDGE_PREDICATES = frozenset(_KGX_PREDICATE)
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://|^urn:")
_KINDS = {
    "integer": XSD.integer,
    "decimal": XSD.decimal,
    "date": XSD.date,
    "gyear": XSD.gYear,
    "boolean": XSD.boolean,
}


@dataclass(frozen=True)
class Column:
    """A KGX column: its name, the RDF predicate it holds, the kind of value, multiplicity.

    ``kind`` is ``iri``, ``text`` (English text, ``@en``), ``string`` (plain literal),
    ``integer``, ``decimal``, ``date``, ``gyear`` or ``boolean``.
    """

    name: str
    predicate: URIRef | None
    kind: str
    multivalued: bool = False


def _c(name: str, predicate: URIRef | None, kind: str, multivalued: bool = False) -> Column:
    return Column(name, predicate, kind, multivalued)


def _literal_column(curie: str) -> Column:
    name = curie.split(":", 1)[1] if curie.startswith("biolink:") else curie
    return _c(name, curie_term(curie), "text", name != "full_name")


_NODE_CORE = (
    _c("id", None, "iri"),
    _c("category", RDF.type, "iri", True),
    _c("name", RDFS.label, "text"),
    _c("description", DCTERMS.description, "text"),
    _c("xref", BIOLINK.xref, "iri", True),
    _c("synonym", BIOLINK.synonym, "text", True),
)
#: the node columns (core columns first, in this order, then the others sorted by name)
NODE_COLUMNS: Mapping[str, Column] = MappingProxyType(
    {
        c.name: c
        for c in (
            *_NODE_CORE,
            _c("iso_abbreviation", BIOLINK.iso_abbreviation, "string"),
            # read from other KGX files; written as edges (see _taxon_edges)
            _c("in_taxon", BIOLINK.in_taxon, "iri", True),
            _c("has_attribute_type", BIOLINK.has_attribute_type, "iri"),
            _c("publication_type", BIOLINK.publication_type, "iri", True),
            _c("dct:title", DCTERMS.title, "text"),
            _c("dct:creator", DCTERMS.creator, "string", True),
            _c("dct:issued", DCTERMS.issued, "gyear"),
            _c("dct:identifier", DCTERMS.identifier, "string", True),
            _c("dct:license", DCTERMS.license, "iri"),
            _c("dct:source", DCTERMS.source, "string", True),
            _c("pav:version", PAV.version, "string"),
            _c("pav:createdWith", PAV.createdWith, "string"),
            _c("oboInOwl:hasDbXref", OBOINOWL.hasDbXref, "string", True),
            *(_literal_column(curie) for curie in sorted(LITERAL_PREDICATES)),
        )
    }
)

_EDGE_CORE = (
    _c("id", None, "iri"),
    _c("subject", RDF.subject, "iri"),
    _c("predicate", RDF.predicate, "iri"),
    _c("object", RDF.object, "iri"),
    _c("category", RDF.type, "iri", True),
    _c("original_predicate", None, "iri"),
    _c("primary_knowledge_source", BIOLINK.primary_knowledge_source, "iri"),
    _c("knowledge_level", BIOLINK.knowledge_level, "string"),
    _c("agent_type", BIOLINK.agent_type, "string"),
    _c("publications", BIOLINK.publications, "iri", True),
    _c("has_evidence", BIOLINK.has_evidence, "iri", True),
)
#: the edge columns (core columns first, in this order, then the others sorted by name)
EDGE_COLUMNS: Mapping[str, Column] = MappingProxyType(
    {
        c.name: c
        for c in (
            *_EDGE_CORE,
            _c("frequency_qualifier", BIOLINK.frequency_qualifier, "iri"),
            _c("onset_qualifier", BIOLINK.onset_qualifier, "iri"),
            _c("sex_qualifier", BIOLINK.sex_qualifier, "iri"),
            _c("qualifiers", BIOLINK.qualifiers, "iri", True),
            _c("negated", BIOLINK.negated, "boolean"),
            _c("has_count", BIOLINK.has_count, "integer"),
            _c("has_total", BIOLINK.has_total, "integer"),
            _c("has_percentage", BIOLINK.has_percentage, "decimal"),
            _c("description", DCTERMS.description, "text"),
            _c("dct:source", DCTERMS.source, "iri", True),
            _c("pav:curatedBy", PAV.curatedBy, "iri", True),
            _c("pav:curatedOn", PAV.curatedOn, "date"),
            _c("ipex:frequency_text", IPEX.frequency_text, "text"),
            _c("ipex:has_count", IPEX.has_count, "integer"),
            _c("ipex:has_total", IPEX.has_total, "integer"),
            _c("ipex:has_percentage", IPEX.has_percentage, "decimal"),
        )
    }
)
_NODE_BY_PREDICATE = {c.predicate: c for c in NODE_COLUMNS.values() if c.predicate is not None}
_EDGE_BY_PREDICATE = {c.predicate: c for c in EDGE_COLUMNS.values() if c.predicate is not None}


@dataclass(frozen=True)
class Kgx:
    """A graph as KGX records: nodes sorted by id, edges sorted by id."""

    nodes: tuple[KgxRow, ...]
    edges: tuple[KgxRow, ...]


@lru_cache(maxsize=1)
def _biolink_namespaces() -> tuple[tuple[str, str], ...]:
    """The pinned Biolink prefix map as (namespace, prefix), longest namespace first."""
    prefixes = json.loads(biolink_prefix_map_path().read_text(encoding="utf-8"))
    pairs = ((str(ns), str(p)) for p, ns in prefixes.items())
    return tuple(sorted(pairs, key=lambda pair: (-len(pair[0]), pair[1])))


@lru_cache(maxsize=65536)
def _id(term: Node) -> str:
    """The KGX spelling of an IRI: a CURIE of the Biolink prefix map where one fits.

    The package's own prefix is used when Biolink has it; a prefix Biolink lacks gives way to
    Biolink's (``Orphanet:37042`` -> ``ORDO:Orphanet_37042``, the same IRI); the package's own
    minted IRIs and IRIs no prefix fits stay whole.
    """
    text = str(term)
    if text.startswith(str(IPEXKG)) and not text.startswith(str(IPEX)):
        return text
    curie = _slash_free(compress(text))
    prefix = curie.split(":", 1)[0] if curie != text else ""
    biolink = _biolink_namespaces()
    if prefix and prefix in {p for _, p in biolink}:
        return curie
    for namespace, biolink_prefix in biolink:
        if text.startswith(namespace) and len(text) > len(namespace):
            return _slash_free(f"{biolink_prefix}:{text[len(namespace) :]}")
    return curie


def _slash_free(curie: str) -> str:
    """A CURIE whose local part has ``/`` (a DOI) with it percent-encoded: kgx's CURIE pattern
    forbids ``/`` after the colon, and ``https://doi.org/10.1/x`` and ``…/10.1%2Fx`` name the
    same DOI. :func:`_iri` decodes it again, so RDF -> KGX -> RDF gives the same IRIs."""
    if _IRI.match(curie) or ":" not in curie:
        return curie
    prefix, local = curie.split(":", 1)
    return f"{prefix}:{local.replace('%', '%25').replace('/', '%2F')}"


def kgx_id(term: Node) -> str:
    """Return how KGX names ``term``: a CURIE of the Biolink prefix map, or the IRI itself."""
    return _id(term)


def _is_curie(value: str) -> bool:
    return not _IRI.match(value)


@lru_cache(maxsize=65536)
def _iri(value: str) -> URIRef:
    if _IRI.match(value):
        return URIRef(value)
    prefix, _, local = value.partition(":")
    return expand(f"{prefix}:{unquote(local)}" if "%" in local else value)


def _text(term: Node, column: Column, where: str) -> str:
    """Return the KGX text of ``term``, checking that it is the kind the column holds."""
    if column.kind == "iri":
        if isinstance(term, URIRef):
            return _id(term)
    elif isinstance(term, Literal):
        if column.kind == "text" and term.language == "en":
            return str(term)
        if column.kind == "string" and term.language is None and term.datatype is None:
            return str(term)
        if column.kind in _KINDS and term.datatype == _KINDS[column.kind]:
            if column.kind == "integer":
                return str(int(str(term)))
            if column.kind == "decimal":
                return repr(float(Decimal(str(term))))
            return str(term)
    raise ValueError(f"{where}: {column.name} cannot hold {term.n3()} (a {column.kind} column)")


def _term(value: str, column: Column) -> Node:
    if column.kind == "iri":
        return _iri(value)
    if column.kind == "text":
        return Literal(value, lang="en")
    if column.kind == "string":
        return Literal(value)
    return Literal(value, datatype=_KINDS[column.kind])


def _freeze(row: dict[str, set[str]]) -> KgxRow:
    return MappingProxyType({k: tuple(sorted(v)) for k, v in sorted(row.items()) if v})


def _row_id(row: KgxRow) -> str:
    return row["id"][0] if "id" in row else ""


def _edge(graph: Graph, node: URIRef) -> dict[str, set[str]]:
    row: dict[str, set[str]] = {"id": {str(node)}}
    for p, o in graph.predicate_objects(node):
        column = _EDGE_BY_PREDICATE.get(p)  # type: ignore[call-overload]
        if column is None:
            raise ValueError(f"{node}: no KGX edge column for {p}")
        value = _text(o, column, str(node))
        if column.name == "predicate" and not str(o).startswith(str(BIOLINK)):
            row["original_predicate"] = {value}
            value = _KGX_PREDICATE.get(o, "biolink:related_to")  # type: ignore[call-overload]
        elif column.name == "category" and value == _STATEMENT:
            value = _ASSOCIATION
        row.setdefault(column.name, set()).add(value)
    for name, values in row.items():
        if len(values) > 1 and not EDGE_COLUMNS[name].multivalued:
            raise ValueError(f"{node}: {name} has {len(values)} values: {sorted(values)}")
    return row


def graph_to_kgx(graph: Graph) -> Kgx:
    """Return the nodes and edges of ``graph`` as KGX records.

    :raises ValueError: when the graph has a property no KGX column holds, or several values
        for a single-valued column (so that a new slot cannot be dropped silently)
    """
    associations = {s for s in graph.subjects(RDF.predicate, None) if isinstance(s, URIRef)}
    edges: list[dict[str, set[str]]] = []
    direct: set[tuple[Node, Node, Node]] = set()
    xrefs: dict[Node, set[str]] = {}
    endpoints: set[Node] = set()
    for node in sorted(associations, key=str):
        s, p, o = (graph.value(node, x) for x in (RDF.subject, RDF.predicate, RDF.object))
        if not isinstance(o, URIRef):
            continue
        edges.append(_edge(graph, node))
        direct.add((s, p, o))  # type: ignore[arg-type]
        endpoints.update((s, o))  # type: ignore[arg-type]
        if p in _XREF_EDGE_PREDICATES:
            xrefs.setdefault(s, set()).add(_id(o))  # type: ignore[arg-type]
    typed = {
        s
        for s, o in graph.subject_objects(RDF.type)
        if str(o).startswith(str(BIOLINK)) and s not in associations
    }
    nodes = [
        _freeze(_node(graph, n, direct, xrefs.get(n, set())))
        for n in typed | endpoints
        if isinstance(n, URIRef) and _is_curie(_id(n))
    ]
    edges += _taxon_edges(graph)
    return Kgx(
        nodes=tuple(sorted(nodes, key=_row_id)),
        edges=tuple(sorted((_freeze(e) for e in edges), key=_row_id)),
    )


def _taxon_edge_id(subject: str, taxon: str) -> str:
    digest = hashlib.sha256(f"{subject}\x1f{taxon}".encode()).hexdigest()[:20]
    return f"{_TAXON_EDGE}{digest}"


def _taxon_edges(graph: Graph) -> list[dict[str, set[str]]]:
    """``in_taxon`` as edges: Biolink 4.4.6 makes the node slot multivalued while kgx checks it
    as a single string, and an edge is the form both accept. The node row is the source."""
    edges = []
    for s, o in sorted(graph.subject_objects(BIOLINK.in_taxon)):
        subject, taxon = _id(s), _id(o)
        edges.append(
            {
                "id": {_taxon_edge_id(subject, taxon)},
                "subject": {subject},
                "predicate": {"biolink:in_taxon"},
                "object": {taxon},
                "category": {_ASSOCIATION},
                "knowledge_level": {"knowledge_assertion"},
                "agent_type": {"manual_agent"},
                "primary_knowledge_source": {"infores:ipexkg"},
            }
        )
    return edges


def _node(
    graph: Graph, node: URIRef, direct: set[tuple[Node, Node, Node]], edge_xrefs: set[str]
) -> dict[str, set[str]]:
    row: dict[str, set[str]] = {"id": {_id(node)}, "category": set(), "xref": set(edge_xrefs)}
    for p, o in graph.predicate_objects(node):
        if (
            (node, p, o) in direct
            or p == BIOLINK.in_taxon
            or (p == RDFS.subClassOf and str(node).startswith(HP_IRI))
        ):
            # the HPO hierarchy is hp.obo's: KGX users load HPO itself next to the edges
            continue
        column = _NODE_BY_PREDICATE.get(p)  # type: ignore[call-overload]
        if column is None:
            raise ValueError(f"{node}: no KGX node column for {p} {o.n3()}")
        value = _text(o, column, str(node))
        row.setdefault(column.name, set()).add(value)
        if p in _SYNONYMS:
            row.setdefault("synonym", set()).add(value)
        elif p == OBOINOWL.hasDbXref:
            row["xref"].add(value)
    if not row["category"]:
        row["category"] = {_NAMED_THING}
    for name, values in row.items():
        if len(values) > 1 and not NODE_COLUMNS[name].multivalued:
            raise ValueError(f"{node}: {name} has {len(values)} values: {sorted(values)}")
    return row


def _header(rows: Iterable[KgxRow], columns: Mapping[str, Column], core: int) -> list[str]:
    head = list(columns)[:core]
    present = {name for row in rows for name in row}
    return head + sorted(present - set(head))


def _cell(values: tuple[str, ...], where: str) -> str:
    for value in values:
        if re.search(r"[\t\n\r|]", value):
            raise ValueError(f"{where}: a value with a tab, line break or '|': {value!r}")
    return "|".join(values)


def _tsv(rows: tuple[KgxRow, ...], columns: Mapping[str, Column], core: int) -> str:
    header = _header(rows, columns, core)
    lines = ["\t".join(header)]
    for row in rows:
        where = row["id"][0]
        lines.append("\t".join(_cell(row.get(name, ()), where) for name in header))
    return "\n".join(lines) + "\n"


def kgx_tsv(kgx: Kgx) -> tuple[str, str]:
    """Return the KGX TSV texts (nodes, edges); several values in a cell are joined by ``|``.

    :raises ValueError: for a value holding a tab, a line break or ``|``
    """
    return (
        _tsv(kgx.nodes, NODE_COLUMNS, len(_NODE_CORE)),
        _tsv(kgx.edges, EDGE_COLUMNS, len(_EDGE_CORE)),
    )


def _json_value(values: tuple[str, ...], column: Column | None) -> object:
    def one(value: str) -> object:
        if column is None:
            return value
        if column.kind == "integer":
            return int(value)
        if column.kind == "decimal":
            return float(value)
        if column.kind == "boolean":
            return value == "true"
        return value

    if column is None or column.multivalued:
        return [one(v) for v in values]
    return one(values[0])


def _jsonl(rows: tuple[KgxRow, ...], columns: Mapping[str, Column]) -> str:
    lines = []
    for row in rows:
        record = {name: _json_value(values, columns.get(name)) for name, values in row.items()}
        lines.append(json.dumps(record, sort_keys=True, ensure_ascii=False))
    return "\n".join(lines) + "\n" if lines else ""


def kgx_jsonl(kgx: Kgx) -> tuple[str, str]:
    """Return the KGX JSON Lines texts (nodes, edges): one record a line, lists for many values."""
    return _jsonl(kgx.nodes, NODE_COLUMNS), _jsonl(kgx.edges, EDGE_COLUMNS)


def kgx_files(kgx: Kgx, basename: str = "ipexkg") -> dict[str, str]:
    """Return the four KGX files (``<basename>_nodes.tsv``, ``…_edges.tsv``, ``….jsonl``)."""
    nodes_tsv, edges_tsv = kgx_tsv(kgx)
    nodes_jsonl, edges_jsonl = kgx_jsonl(kgx)
    return {
        f"{basename}_nodes.tsv": nodes_tsv,
        f"{basename}_edges.tsv": edges_tsv,
        f"{basename}_nodes.jsonl": nodes_jsonl,
        f"{basename}_edges.jsonl": edges_jsonl,
    }


def _read_tsv(path: Path, columns: Mapping[str, Column]) -> tuple[KgxRow, ...]:
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines:
        raise InputError(f"{path}: the file is empty")
    header = lines[0].split("\t")
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        cells = line.split("\t")
        if len(cells) != len(header):
            raise InputError(f"{path}:{number}: {len(cells)} cells, the header has {len(header)}")
        row: dict[str, set[str]] = {}
        for name, cell in zip(header, cells, strict=True):
            if cell:
                column = columns.get(name)
                values = cell.split("|") if column is None or column.multivalued else [cell]
                row[name] = set(values)
        rows.append(_freeze(row))
    return tuple(rows)


def _from_json(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _read_jsonl(path: Path) -> tuple[KgxRow, ...]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{number}:{exc.colno}: JSON syntax error: {exc.msg}") from None
        row = {
            name: {_from_json(v) for v in (value if isinstance(value, list) else [value])}
            for name, value in record.items()
        }
        rows.append(_freeze(row))
    return tuple(rows)


def read_kgx(nodes: Path | str, edges: Path | str) -> Kgx:
    """Read KGX nodes and edges files, TSV or JSON Lines (from the extension), sorted by id.

    :raises InputError: for a row whose cells do not match the header, or bad JSON
    """
    paths = Path(nodes), Path(edges)
    if all(p.suffix == ".jsonl" for p in paths):
        node_rows, edge_rows = _read_jsonl(paths[0]), _read_jsonl(paths[1])
    else:
        node_rows = _read_tsv(paths[0], NODE_COLUMNS)
        edge_rows = _read_tsv(paths[1], EDGE_COLUMNS)

    return Kgx(tuple(sorted(node_rows, key=_row_id)), tuple(sorted(edge_rows, key=_row_id)))


def _predicate_iri(column_name: str) -> URIRef:
    if ":" in column_name:
        return _iri(column_name)
    return BIOLINK[column_name]


def _edge_triples(row: KgxRow) -> Iterable[tuple[Node, Node, Node]]:
    node = _iri(row["id"][0])
    predicate = _iri((row.get("original_predicate") or row["predicate"])[0])
    subject, obj = _iri(row["subject"][0]), _iri(row["object"][0])
    yield subject, predicate, obj
    yield node, RDF.subject, subject
    yield node, RDF.predicate, predicate
    yield node, RDF.object, obj
    if "original_predicate" in row and row.get("category") == (_ASSOCIATION,):
        yield node, RDF.type, _iri(_STATEMENT)
    for name, values in row.items():
        if name in ("id", "subject", "predicate", "object", "original_predicate"):
            continue
        if name == "category" and "original_predicate" in row and values == (_ASSOCIATION,):
            continue
        column = EDGE_COLUMNS.get(name) or _c(name, _predicate_iri(name), "string", True)
        for value in values:
            yield node, column.predicate, _term(value, column)  # type: ignore[misc]


def _node_triples(row: KgxRow, edge_xrefs: set[str]) -> Iterable[tuple[Node, Node, Node]]:
    node = _iri(row["id"][0])
    exact_synonyms = {v for p in _SYNONYMS for v in row.get(compress(str(p)), ())}
    xrefs = edge_xrefs | set(row.get("oboInOwl:hasDbXref", ()))
    categories = set(row.get("category", ()))
    if categories != {_NAMED_THING} or len(row) > 2:
        for category in sorted(categories):
            yield node, RDF.type, _iri(category)
    for name, values in row.items():
        if name in ("id", "category"):
            continue
        column = NODE_COLUMNS.get(name) or _c(name, _predicate_iri(name), "string", True)
        for value in values:
            if (name == "synonym" and value in exact_synonyms) or (
                name == "xref" and value in xrefs
            ):
                continue
            yield node, column.predicate, _term(value, column)  # type: ignore[misc]


def kgx_to_graph(kgx: Kgx) -> Graph:
    """Return the RDF graph of KGX records (the inverse of :func:`graph_to_kgx`).

    Each edge becomes the direct triple and its association node; each node its category and
    properties. Columns the package does not know become plain-text properties: Biolink slot
    names in the Biolink namespace, CURIE-named columns under their expansion.
    """
    graph = bind(Graph(bind_namespaces="core"))
    edge_xrefs: dict[str, set[str]] = {}
    for row in kgx.edges:
        if row["id"][0].startswith(_TAXON_EDGE):
            graph.add((_iri(row["subject"][0]), BIOLINK.in_taxon, _iri(row["object"][0])))
            continue
        for triple in _edge_triples(row):
            graph.add(triple)
        if (row.get("original_predicate") or row["predicate"])[0] in {
            compress(str(p)) for p in _XREF_EDGE_PREDICATES
        }:
            edge_xrefs.setdefault(row["subject"][0], set()).add(row["object"][0])
    for row in kgx.nodes:
        for triple in _node_triples(row, edge_xrefs.get(row["id"][0], set())):
            graph.add(triple)
    return graph
