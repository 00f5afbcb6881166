"""The stored query catalogue: every query parses, has its header, and gives its golden answer
on both engines; parameters are checked and bound as terms; ad-hoc queries stay read-only."""

from __future__ import annotations

import random
import re
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef, Variable
from rdflib.namespace import RDF, RDFS

from ipexkg.cli import main
from ipexkg.engines import ENGINES, execute, oxigraph_store, subselect_groups, with_values
from ipexkg.hpo import hpo_descendants
from ipexkg.hpo_hierarchy import HP_IRI
from ipexkg.identifiers import expand
from ipexkg.queries import (
    ParameterError,
    QueryError,
    StoredQuery,
    bind_parameters,
    catalogue,
    load_queries,
    parameter_values,
    parse_stored_query,
    run_query,
)
from ipexkg.resources import query_dir
from ipexkg.results import format_result

GOLDEN = Path(__file__).parent / "golden"

QUERY_FILES = sorted(query_dir().rglob("*.rq"))
CQ = sorted((q for q in catalogue().values() if q.kind == "cq"), key=lambda q: q.name)
CASES = [(q.name, "all") for q in CQ if not q.required] + [
    (q.name, "example") for q in CQ if q.example
]


def _answer(query: StoredQuery, graph: Graph, engine: str, params: dict[str, str]) -> str:
    result = run_query(query, graph, engine=engine, **params)
    return format_result(result, "turtle" if result.form == "CONSTRUCT" else "tsv")


def _golden_name(query: StoredQuery, case: str) -> str:
    suffix = "" if case == "all" else "--example"
    ext = "ttl" if query.form == "CONSTRUCT" else "tsv"
    return f"queries/{query.name}{suffix}.{ext}"


def _code(text: str) -> str:
    """Return the query text without comments (lines starting with #)."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


# --- every file -----------------------------------------------------------------------------------


def test_catalogue_has_at_least_20_competency_queries() -> None:
    assert len(CQ) >= 20
    assert {q.kind for q in catalogue().values()} <= {"cq", "qc", "store"}


@pytest.mark.parametrize("path", QUERY_FILES, ids=[p.stem for p in QUERY_FILES])
def test_query_parses_and_has_its_header(path: Path) -> None:
    query = parse_stored_query(path)
    keys = ("summary", "tags", "params") if query.kind == "cq" else ("summary",)
    for key in keys:
        assert re.search(rf"^#\+ {key}:", query.text, re.MULTILINE), f"{path.name}: no #+ {key}"
    assert query.summary and (query.tags or query.kind != "cq")
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", query.name), "file names are kebab-case"


@pytest.mark.parametrize("path", QUERY_FILES, ids=[p.stem for p in QUERY_FILES])
def test_every_declared_param_occurs_in_its_query(path: Path) -> None:
    query = parse_stored_query(path)
    code = _code(query.text)
    for name in query.params:
        assert re.search(rf"[?$]{name}\b", code), f"{path.name}: ?{name} is not in the query"


@pytest.mark.parametrize("path", QUERY_FILES, ids=[p.stem for p in QUERY_FILES])
def test_query_ends_with_order_by_over_every_projected_variable(path: Path) -> None:
    query = parse_stored_query(path)
    code = _code(query.text)
    assert re.search(r"ORDER\s+BY[^{}]*$", code.rstrip(), re.IGNORECASE), "must end with ORDER BY"
    if query.form != "SELECT":
        return
    ordered = set(re.findall(r"[?$](\w+)", re.split(r"ORDER\s+BY", code, flags=re.IGNORECASE)[-1]))
    assert set(query.projected) <= ordered, set(query.projected) - ordered


# --- golden answers, on both engines --------------------------------------------------------------


@pytest.mark.parametrize(("name", "case"), CASES, ids=[f"{n}-{c}" for n, c in CASES])
@pytest.mark.parametrize("engine", ENGINES)
def test_query_gives_its_golden_answer(
    name: str, case: str, engine: str, graph: Graph, golden, request: pytest.FixtureRequest
) -> None:
    query = catalogue()[name]
    params = dict(query.example) if case == "example" else {}
    text = _answer(query, graph, engine, params)
    assert text.count("\n") > 1, f"{name} ({case}) returned no rows"
    if engine == "rdflib" or not request.config.getoption("--update-golden"):
        golden(_golden_name(query, case), text)


NARROWABLE = [q for q in CQ if q.example and not q.required]


@pytest.mark.parametrize("query", NARROWABLE, ids=[q.name for q in NARROWABLE])
def test_example_narrows_the_answer(query: StoredQuery, graph: Graph) -> None:
    """A parameter only keeps rows of the 'all' answer (so binding it as VALUES, for Oxigraph,
    and through initBindings, for rdflib, mean the same)."""
    every = run_query(query, graph)
    some = run_query(query, graph, **dict(query.example))
    assert 0 < len(some) < len(every)
    assert set(some.rows) <= set(every.rows)


# --- what the answers say -------------------------------------------------------------------------


def test_run_query_returns_python_values_and_curies(graph: Graph) -> None:
    result = run_query("endocrine-manifestations", graph)
    rows = result.dicts()
    t1d = [r for r in rows if r["phenotype"] == "HP:0100651" and r["source"] == "PMID:30385752"]
    assert t1d == [
        {
            "phenotype": "HP:0100651",
            "phenotype_label": "Type I diabetes mellitus",
            "frequency_label": "Occasional",
            "count": 7,
            "total": 28,
            "percentage": Decimal("25.0"),
            "frequency_text": None,
            "source": "PMID:30385752",
        }
    ]


def test_run_query_defaults_to_the_built_graph() -> None:
    rows = run_query("curative-treatment").rows
    assert {row[0] for row in rows} == {"MAXO:0000747"}


def test_the_fact_set_covers_every_association_of_the_graph(graph: Graph) -> None:
    associations = set(graph.subjects(RDF.predicate, None))
    counted = sum(row[-1] for row in run_query("facts-by-relation", graph).rows)
    assert counted == len(associations)


SYSTEMS = {
    "endocrine-manifestations": "HP:0000818",
    "haematological-manifestations": "HP:0001871",
    "skin-manifestations": "HP:0001574",
    "gut-manifestations": "HP:0025031",
}


@pytest.mark.parametrize(("name", "category"), SYSTEMS.items(), ids=list(SYSTEMS))
def test_system_query_lists_every_ipex_phenotype_of_its_hpo_category(
    name: str, category: str, graph: Graph
) -> None:
    phenotypes = {
        row[0] for row in run_query("manifestations", graph).rows if isinstance(row[0], str)
    }
    expected = phenotypes & hpo_descendants(category)
    listed = {row[0] for row in run_query(name, graph).rows}
    assert listed == expected, (
        f"queries/cq/{name}.rq misses {sorted(expected - listed)} and finds "
        f"{sorted(listed - expected)} through the HPO hierarchy of the graph"
    )


def test_the_curative_treatment_is_hsct(graph: Graph) -> None:
    rows = run_query("treatments", graph, curative=True).dicts()
    assert {r["treatment_label"] for r in rows} == {"hematopoietic stem cell transplantation"}
    assert all(r["curative"] is True for r in rows)


def test_disagreeing_frequencies_include_type_1_diabetes(graph: Graph) -> None:
    rows = run_query("disagreeing-frequencies", graph, phenotype="HP:0100651").dicts()
    assert {r["frequency_label"] for r in rows} == {"Frequent", "Occasional"}


def test_disease_card_is_the_neighbourhood_of_ipex(graph: Graph) -> None:
    result = run_query("disease-card", graph)
    assert result.form == "CONSTRUCT" and result.graph is not None
    ipex = expand("MONDO:0010580")
    assert all(ipex in (s, o) or p == RDFS.label for s, p, o in result.graph)
    assert (expand("HGNC:6106"), expand("biolink:causes"), ipex) in result.graph


# --- parameters -----------------------------------------------------------------------------------


def _q(name: str) -> StoredQuery:
    return catalogue()[name]


#: the stored query with an ``iris`` parameter (a patient's list of HPO terms)
PATIENT = "patient-phenotypic-differential"


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("manifestations", {"organ": "UBERON:0002046"}, "has no parameter 'organ'"),
        ("manifestations", {"phenotype": "FOO:1"}, "unknown prefix 'FOO'"),
        ("manifestations", {"phenotype": "HP:12"}, "not a valid HP identifier"),
        ("manifestations", {"phenotype": "HP 0100651"}, "neither a CURIE"),
        ("manifestations", {"phenotype": "<not an iri>"}, "not an absolute IRI"),
        ("manifestations", {"phenotype": 42}, "expects an IRI or CURIE"),
        ("manifestations", {"phenotype": "x> } ; DROP ALL #"}, "neither a CURIE"),
        ("manifestations", {"phenotype": "<http://x> } ; DROP ALL #>"}, "not an absolute IRI"),
        ("manifestations", {"phenotype": "http://x/>{}"}, "not a valid IRI"),
        ("manifestations-above-frequency", {"min_percentage": "fifty"}, "expects a number"),
        ("manifestations-above-frequency", {"min_percentage": "1e3"}, "expects a number"),
        ("manifestations-above-frequency", {"min_percentage": True}, "expects a number"),
        ("manifestations-above-frequency", {"min_percentage": "HP:0100651"}, "expects a number"),
        ("treatments", {"curative": "yes"}, "expects true or false"),
        ("treatments", {"curative": 1}, "expects true or false"),
        ("publications-for-fact", {"subject": "MONDO:0010580"}, "requires the parameter 'object'"),
        ("synonyms", {"scope": URIRef("http://x")}, "expects a string"),
        (PATIENT, {"phenotypes": "HP:0002028,HP:12"}, "'HP:12' is not a valid HP identifier"),
        (PATIENT, {"phenotypes": "HP:0002028 FOO:1"}, "unknown prefix 'FOO'"),
        (PATIENT, {"phenotypes": " , "}, "expects IRIs or CURIEs separated by commas or spaces"),
        (PATIENT, {"phenotypes": ["HP:0002028", 7]}, "expects IRIs or CURIEs"),
        (PATIENT, {"phenotypes": 7}, "expects IRIs or CURIEs"),
        (PATIENT, {"phenotypes": "HP:0002028 <x> } #"}, "not an absolute IRI"),
        (PATIENT, {}, "requires the parameter 'phenotypes'"),
        # a byte that is not UTF-8 reaches argv as a lone surrogate
        ("synonyms", {"scope": "exact\udcff"}, "the value is not UTF-8 text"),
    ],
)
def test_bad_parameters_are_clear_errors(name: str, params: dict, message: str) -> None:
    with pytest.raises(ParameterError, match=re.escape(message)):
        bind_parameters(_q(name), params)


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("HP:0100651", expand("HP:0100651")),
        ("<http://purl.obolibrary.org/obo/HP_0100651>", expand("HP:0100651")),
        ("http://purl.obolibrary.org/obo/HP_0100651", expand("HP:0100651")),
        ("ORPHA:37042", expand("Orphanet:37042")),
        (URIRef("http://example.org/x"), URIRef("http://example.org/x")),
    ],
)
def test_iri_parameters_accept_curies_and_iris(value: object, term: URIRef) -> None:
    assert bind_parameters(_q("manifestations"), {"phenotype": value}) == {"phenotype": term}


@pytest.mark.parametrize(
    "value",
    [
        "HP:0002028,HP:0100651",
        "  HP:0002028 ,, HP:0100651  HP:0002028 ",
        f"<{HP_IRI}0002028>\n{HP_IRI}0100651",
        ["HP:0002028", URIRef(f"{HP_IRI}0100651")],
        ("HP:0002028", "HP:0100651"),
        Literal("HP:0002028, HP:0100651"),
    ],
)
def test_iris_parameters_bind_one_string_of_checked_iris(value: object) -> None:
    # each IRI checked as an iri parameter is, in the given order, each once
    bound = bind_parameters(_q(PATIENT), {"phenotypes": value})["phenotypes"]
    assert bound == Literal(f"<{HP_IRI}0002028> <{HP_IRI}0100651>")
    single = bind_parameters(_q(PATIENT), {"phenotypes": URIRef(f"{HP_IRI}0002028")})
    assert single["phenotypes"] == Literal(f"<{HP_IRI}0002028>")


def test_an_iris_parameter_given_twice_is_one_list(capsys) -> None:  # type: ignore[no-untyped-def]
    pairs = [("phenotypes", "HP:0002028"), ("phenotypes", "HP:0100651,HP:0000964")]
    joined = parameter_values(_q(PATIENT), pairs)
    assert joined == {"phenotypes": "HP:0002028 HP:0100651,HP:0000964"}
    one = {"phenotypes": "HP:0002028,HP:0100651,HP:0000964"}
    assert bind_parameters(_q(PATIENT), joined) == bind_parameters(_q(PATIENT), one)
    # any other parameter given twice is refused, on the command line too
    organs = [("organ", "UBERON:0002046"), ("organ", "UBERON:0000160")]
    with pytest.raises(ParameterError, match="parameter 'organ' is given twice"):
        parameter_values(_q("manifestations-by-organ"), organs)
    argv = ["query", "manifestations-by-organ", *(f"--param={k}={v}" for k, v in organs)]
    assert main(argv) == 2
    assert "parameter 'organ' is given twice" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("50", Literal(50)),
        ("-3", Literal(-3)),
        ("12.5", Literal(Decimal("12.5"))),
        (50, Literal(50)),
        (Decimal("12.5"), Literal(Decimal("12.5"))),
        (12.5, Literal(Decimal("12.5"))),
    ],
)
def test_number_parameters_are_typed_literals(value: object, term: Literal) -> None:
    bound = bind_parameters(_q("manifestations-above-frequency"), {"min_percentage": value})
    assert bound["min_percentage"] == term
    assert bound["min_percentage"].datatype == term.datatype


def test_boolean_and_string_parameters(graph: Graph) -> None:
    assert bind_parameters(_q("treatments"), {"curative": "TRUE"}) == {"curative": Literal(True)}
    assert bind_parameters(_q("synonyms"), {"scope": "exact"}) == {"scope": Literal("exact")}
    assert bind_parameters(_q("synonyms"), {"scope": None}) == {}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "attack",
    [
        "x> } ; DROP ALL #",
        '"} } ; DROP ALL #',
        'exact" } UNION { ?s ?p ?o } #',
        "'''\n} DROP ALL",
        'x\\" } #',
    ],
)
def test_injection_through_a_string_parameter_is_an_inert_literal(
    attack: str, engine: str, graph: Graph
) -> None:
    size = len(graph)
    result = run_query("synonyms", graph, engine=engine, scope=attack)
    assert len(result) == 0
    assert len(graph) == size
    if engine == "oxigraph":
        assert len(oxigraph_store(graph)) == size


@pytest.mark.parametrize("engine", ENGINES)
def test_parameters_give_the_same_rows_on_both_engines(engine: str, graph: Graph) -> None:
    rows = run_query("manifestations-above-frequency", graph, engine=engine, min_percentage=80)
    assert rows.rows and all(r[2] >= 80 for r in rows.rows)
    assert (
        rows.rows
        == run_query(
            "manifestations-above-frequency", graph, engine="rdflib", min_percentage="80"
        ).rows
    )


# --- the VALUES block for Oxigraph ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?s WHERE { ?s ?p ?o }",
        "select ?s { ?s ?p ?o }",
        "PREFIX ex: <http://e/#> # a comment with { braces }\nSELECT ?s WHERE { ?s ?p ?o }",
        'SELECT ?s (STR("{") AS ?x) WHERE { ?s ?p ?o FILTER(?o != "}") }',
        "SELECT ?s (EXISTS { ?s ?p ?o } AS ?e) WHERE { ?s ?p ?o }",
        "SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } } }",
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "CONSTRUCT { ?s ?p ?o } { ?s ?p ?o }",
        "ASK { ?s ?p ?o }",
    ],
)
def test_values_block_opens_the_outer_where_group(text: str) -> None:
    out = with_values(text, {"s": URIRef("http://e/a")})
    outer = out.index("VALUES")
    assert out[:outer].rstrip().endswith("{")
    prefix = out[:outer]
    assert prefix.upper().count("WHERE") <= 1
    if text.startswith("CONSTRUCT {"):
        assert prefix.count("{") == 2
    import pyoxigraph as ox

    ox.Store().query(out)  # parses


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SELECT ?s WHERE { ?s ?p ?o }", []),
        ("SELECT ?s { { SELECT ?s ?o { ?s ?p ?o } } }", [{"s", "o"}]),
        ("SELECT * { { SELECT * { ?s ?p ?o } } }", [None]),
        (
            "SELECT ?s { { SELECT ?s (COUNT(?o) AS ?n) (STR(?x) AS ?y) WHERE { ?s ?p ?o } "
            "GROUP BY ?s } }",
            [{"s", "n", "y"}],
        ),
        (
            "SELECT ?s { { SELECT DISTINCT ?s WHERE { { SELECT ?s ?t { ?s ?p ?t } } } } }",
            [{"s"}, {"s", "t"}],
        ),
        ('SELECT ?s { ?s ?p "SELECT ?x { }" # SELECT ?y {\n }', []),
    ],
)
def test_subselect_groups_finds_each_projection(text: str, expected: list[set[str] | None]) -> None:
    groups = subselect_groups(text)
    assert [None if names is None else set(names) for _, names in groups] == expected
    for at, _ in groups:
        assert text[at - 1] == "{"


def test_values_block_opens_each_subselect_that_projects_the_parameter() -> None:
    text = (
        "SELECT ?s ?n WHERE { { SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s } "
        "{ SELECT ?o WHERE { ?s ?p ?o } } }"
    )
    out = with_values(text, {"s": URIRef("http://e/a")})
    assert out.count("VALUES (?s) { (<http://e/a>) }") == 2
    assert "SELECT ?o WHERE {  VALUES" not in out and "{ SELECT ?s (COUNT" in out
    import pyoxigraph as ox

    ox.Store().query(out)  # parses


def test_subselect_binding_agrees_with_rdflib(graph: Graph) -> None:
    # rdflib's initBindings reach into a sub-SELECT, even under its LIMIT: the VALUES block
    # opening the sub-SELECT gives Oxigraph the same answer (the outer block alone would not)
    text = (
        "SELECT ?s ?n WHERE { { SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s "
        "ORDER BY DESC(?n) ?s LIMIT 3 } }"
    )
    counts = sorted((len(set(graph.triples((s, None, None)))), s) for s in set(graph.subjects()))
    subject = counts[0][1]  # among the fewest triples: never in the top 3
    rdflib_rows = [tuple(r) for r in graph.query(text, initBindings={Variable("s"): subject})]
    assert rdflib_rows == [(subject, Literal(counts[0][0]))]
    store = oxigraph_store(graph)
    rows = list(store.query(with_values(text, {"s": subject})))  # type: ignore[union-attr]
    assert [(r["s"].value, int(r["n"].value)) for r in rows] == [(str(subject), counts[0][0])]


def test_values_block_refuses_the_short_construct_form() -> None:
    with pytest.raises(QueryError, match="short form"):
        with_values("CONSTRUCT WHERE { ?s ?p ?o }", {"s": URIRef("http://e/a")})


def test_values_block_escapes_its_terms() -> None:
    out = with_values("SELECT ?s WHERE { ?s ?p ?o }", {"o": Literal('a" } DROP ALL #\n')})
    assert 'VALUES (?o) { ("a\\" } DROP ALL #\\n") }' in out


# --- read-only ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } } ORDER BY ?s",
            "SERVICE",
        ),
        ("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o } ORDER BY ?s", "FROM"),
        ("SELECT * FROM NAMED <http://example.org/g> WHERE { ?s ?p ?o } ORDER BY ?s", "FROM"),
        ("LOAD <http://example.org/data.ttl>", "update"),
        ("DROP ALL", "update"),
        ("INSERT DATA { <http://a> <http://b> <http://c> }", "update"),
        ("SELECT ?s WHERE { ?s ?p }", "syntax error"),
    ],
)
def test_adhoc_queries_that_reach_out_or_write_are_refused(
    text: str, message: str, tmp_path: Path
) -> None:
    path = tmp_path / "adhoc.rq"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(QueryError, match=message):
        parse_stored_query(path, kind="adhoc")


def test_adhoc_query_runs_with_parameters_on_both_engines(tmp_path: Path, graph: Graph) -> None:
    path = tmp_path / "labels.rq"
    path.write_text(
        "#+ summary: label of a thing\n#+ params: thing\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?label WHERE { ?thing rdfs:label ?label } ORDER BY ?label\n",
        encoding="utf-8",
    )
    query = parse_stored_query(path, kind="adhoc")
    for engine in ENGINES:
        rows = run_query(query, graph, engine=engine, thing="HGNC:6106").rows
        assert rows == [("FOXP3",)]
        # an untyped parameter: text that is not a CURIE, IRI, number or boolean is a string
        assert run_query(query, graph, engine=engine, thing="x> } ; DROP ALL #").rows == []


def test_loader_rejects_bad_headers(tmp_path: Path) -> None:
    body = "SELECT ?a WHERE { ?a ?b ?c } ORDER BY ?a\n"
    cases = {
        "unused.rq": ("#+ params: nope\n", "never uses"),
        "reserved.rq": ("#+ params: graph\n", "reserved"),
        "required.rq": ("#+ params: a\n#+ required: b\n", "#+ params lacks"),
        "types.rq": ("#+ params: a\n#+ param_types: a=colour\n", "unknown type"),
        "example.rq": ("#+ params: a\n#+ param_types: a=number\n#+ example: a=x\n", "number"),
    }
    for name, (header, message) in cases.items():
        folder = tmp_path / name
        folder.mkdir()
        (folder / name).write_text(header + body, encoding="utf-8")
        with pytest.raises(QueryError, match=re.escape(message)):
            load_queries(folder)


def test_loader_reads_competency_and_quality_check_folders(tmp_path: Path) -> None:
    body = "SELECT ?a WHERE { ?a ?b ?c } ORDER BY ?a\n"
    (tmp_path / "cq").mkdir()
    (tmp_path / "qc").mkdir()
    (tmp_path / "cq" / "some-question.rq").write_text("#+ summary: q\n" + body, encoding="utf-8")
    (tmp_path / "qc" / "some-violation.rq").write_text("#+ summary: v\n" + body, encoding="utf-8")
    queries = load_queries(tmp_path)
    assert (queries["some-question"].kind, queries["some-question"].expect) == ("cq", "rows")
    assert (queries["some-violation"].kind, queries["some-violation"].expect) == ("qc", "none")
    (tmp_path / "qc" / "some-question.rq").write_text(body, encoding="utf-8")
    with pytest.raises(QueryError, match="exists already"):
        load_queries(tmp_path)


def test_unknown_query_name_and_engine(graph: Graph) -> None:
    with pytest.raises(QueryError, match="no stored query named"):
        run_query("no-such-query", graph)
    with pytest.raises(QueryError, match="unknown engine"):
        run_query("causal-gene", graph, engine="virtuoso")
    with pytest.raises(QueryError, match="needs an rdflib Graph"):
        execute(_q("causal-gene"), oxigraph_store(graph), {}, "rdflib")


def test_run_stored_query_still_binds_through_init_bindings(graph: Graph) -> None:
    from ipexkg.queries import run_stored_query

    result = run_stored_query(_q("manifestations"), graph, {"phenotype": expand("HP:0100651")})
    assert {row[Variable("phenotype")] for row in result} == {expand("HP:0100651")}


# --- scoped to IPEX: the same answers inside a graph of many other diseases -----------------------


def _other_diseases(graph: Graph, diseases: int = 40) -> Graph:
    """Return a graph of other diseases in the same model, sharing IPEX's phenotypes, genes,
    treatments, publications and knowledge sources (the situation of a merged HPO graph)."""
    from rdflib import Namespace
    from rdflib.namespace import DCTERMS

    from ipexkg.namespaces import BIOLINK, IPEXKG, OBOINOWL

    rng = random.Random(4)
    phenotypes = sorted(set(graph.objects(expand("MONDO:0010580"), BIOLINK.has_phenotype)))
    phenotypes += [expand(f"HP:{n:07d}") for n in (1250, 2099, 3326, 4322)]
    sources = sorted({o for o in graph.objects(None, DCTERMS.source) if "pubmed" in str(o)})
    sources += [expand(f"Orphanet:{n}") for n in (1000, 2000)]
    genes = [expand(c) for c in ("HGNC:6106", "HGNC:6008", "HGNC:11367", "HGNC:1")]
    frequencies = [expand(f"HP:{n:07d}") for n in range(40280, 40286)]
    skos = Namespace("http://www.w3.org/2004/02/skos/core#")
    other = Graph()
    add = other.add
    n = 0

    def association(s, p, o, category):  # type: ignore[no-untyped-def]
        nonlocal n
        n += 1
        node = IPEXKG[f"association/other-{n}"]
        add((s, p, o))
        add((node, RDF.type, BIOLINK[category]))
        add((node, RDF.subject, s))
        add((node, RDF.predicate, p))
        add((node, RDF.object, o))
        add((node, DCTERMS.source, rng.choice(sources)))
        add((node, BIOLINK.has_evidence, expand("ECO:0000304")))
        add((node, BIOLINK.primary_knowledge_source, expand("infores:hpo-annotations")))
        return node

    for i in range(diseases):
        disease = expand(f"MONDO:{9_900_000 + i:07d}")
        add((disease, RDF.type, BIOLINK.Disease))
        add((disease, RDFS.label, Literal(f"other disease {i}", lang="en")))
        for phenotype in rng.sample(phenotypes, 12):
            node = association(
                disease, BIOLINK.has_phenotype, phenotype, "DiseaseToPhenotypicFeatureAssociation"
            )
            add((node, BIOLINK.frequency_qualifier, rng.choice(frequencies)))
            if rng.random() < 0.3:
                add((node, BIOLINK.has_count, Literal(rng.randint(1, 9))))
                add((node, BIOLINK.has_total, Literal(10)))
                add((node, BIOLINK.has_percentage, Literal(Decimal("55.5"))))
            if rng.random() < 0.2:
                add((node, BIOLINK.onset_qualifier, expand("HP:0003593")))
            if phenotype not in phenotypes[:-4]:
                association(
                    phenotype,
                    BIOLINK.disease_has_location,
                    expand("UBERON:0000178"),
                    "DiseaseOrPhenotypicFeatureToLocationAssociation",
                )
        gene = rng.choice(genes)
        association(gene, BIOLINK.causes, disease, "CausalGeneToDiseaseAssociation")
        association(
            gene, BIOLINK.gene_associated_with_condition, disease, "GeneToDiseaseAssociation"
        )
        association(
            expand("MGI:1891436"), BIOLINK.model_of, disease, "GeneAsAModelOfDiseaseAssociation"
        )
        association(expand("MAXO:0000747"), BIOLINK.treats, disease, "Association")
        association(disease, skos.exactMatch, expand(f"OMIM:{600000 + i}"), "Association")
        association(disease, OBOINOWL.hasExactSynonym, Literal(f"OD{i}", lang="en"), "Association")
        association(disease, BIOLINK.similar_to, expand("MONDO:0011664"), "Association")
    # what HPO would also say about the IPEX-like disorders under their own ids
    association(expand("MONDO:0011664"), BIOLINK.has_phenotype, phenotypes[0], "Association")
    return other


@pytest.fixture(scope="module")
def merged(graph: Graph) -> Graph:
    """The IPEX graph inside a graph of 40 other diseases of the same model."""
    out = Graph()
    for triple in graph:
        out.add(triple)
    for triple in _other_diseases(graph):
        out.add(triple)
    assert len(out) > 2 * len(graph)
    return out


@pytest.mark.parametrize(("name", "case"), CASES, ids=[f"{n}-{c}" for n, c in CASES])
@pytest.mark.parametrize("engine", ENGINES)
def test_answers_stay_the_same_among_other_diseases(
    name: str, case: str, engine: str, merged: Graph
) -> None:
    query = catalogue()[name]
    params = dict(query.example) if case == "example" else {}
    expected = (GOLDEN / _golden_name(query, case)).read_text(encoding="utf-8")
    assert _answer(query, merged, engine, params) == expected
