"""``ipexkg serve`` as a real uvicorn server on loopback: protocol, refusals, queries, pages."""

from __future__ import annotations

import csv
import io
import json
import re
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH
from servers import Listener, free_port, ipexkg_command, start_server, stop_server

from ipexkg.queries import catalogue, run_query
from ipexkg.results import format_result
from ipexkg.store import open_store, package_store
from ipexkg.web.safety import MAX_NESTING, MAX_OPERATORS

SD = "http://www.w3.org/ns/sparql-service-description#"
TIME_LIMIT = 3
MAX_ROWS = 2000
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
# every triple against every triple against every triple: 10^11 rows to count
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def store() -> Path:
    """The on-disk store of the package graph."""
    return package_store()


@pytest.fixture(scope="module")
def base(store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A running ``ipexkg serve`` with a short time limit; its base URL."""
    port = free_port()
    command = ipexkg_command(
        "serve",
        "--port",
        str(port),
        "--store",
        str(store),
        "--timeout",
        str(TIME_LIMIT),
        "--max-rows",
        str(MAX_ROWS),
        "--max-query-chars",
        "5000",
    )
    url = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    process = start_server(command, f"{url}/sparql", log)
    yield url
    stop_server(process)


@pytest.fixture(scope="module")
def client(base: str) -> Iterator[httpx.Client]:
    """An HTTP client of the server."""
    with httpx.Client(base_url=base, timeout=60) as http:
        yield http


def _count(client: httpx.Client) -> int:
    answer = client.get("/sparql", params={"query": COUNT}).json()
    return int(answer["results"]["bindings"][0]["n"]["value"])


# --- SPARQL 1.1 Protocol ------------------------------------------------------------------


def test_get_post_form_and_post_direct_give_one_answer(client: httpx.Client, store: Path) -> None:
    expected = len(open_store(store))
    by_get = client.get("/sparql", params={"query": COUNT})
    by_form = client.post("/sparql", data={"query": COUNT})
    direct = client.post(
        "/sparql", content=COUNT, headers={"Content-Type": "application/sparql-query"}
    )
    for response in (by_get, by_form, direct):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/sparql-results+json")
        assert response.json()["results"]["bindings"][0]["n"]["value"] == str(expected)


@pytest.mark.parametrize(
    ("accept", "media", "format_"),
    [
        (
            "application/sparql-results+json",
            "application/sparql-results+json",
            ox.QueryResultsFormat.JSON,
        ),
        (
            "application/sparql-results+xml",
            "application/sparql-results+xml",
            ox.QueryResultsFormat.XML,
        ),
        ("text/csv", "text/csv", ox.QueryResultsFormat.CSV),
        ("text/tab-separated-values", "text/tab-separated-values", ox.QueryResultsFormat.TSV),
        (
            "text/csv;q=0.5, application/sparql-results+xml",
            "application/sparql-results+xml",
            ox.QueryResultsFormat.XML,
        ),
    ],
    ids=["json", "xml", "csv", "tsv", "q-values"],
)
def test_select_results_by_accept(
    client: httpx.Client, accept: str, media: str, format_: ox.QueryResultsFormat
) -> None:
    query = (
        "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } "
        "ORDER BY ?s LIMIT 5"
    )
    response = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    assert response.headers["vary"] == "Accept"
    if format_ == ox.QueryResultsFormat.CSV:  # lossy: Oxigraph does not read it back
        rows = list(csv.reader(io.StringIO(response.text)))
        assert rows[0] == ["s", "label"] and len(rows) == 6
        return
    solutions = ox.parse_query_results(response.content, format=format_)
    assert isinstance(solutions, ox.QuerySolutions)
    assert len(list(solutions)) == 5


def test_ask(client: httpx.Client) -> None:
    query = "ASK { <http://purl.obolibrary.org/obo/MONDO_0010580> ?p ?o }"
    assert client.get("/sparql", params={"query": query}).json()["boolean"] is True
    xml = client.get("/sparql", params={"query": query, "format": "xml"}).text
    assert "<boolean>true</boolean>" in xml


@pytest.mark.parametrize(
    ("accept", "rdf_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_construct_and_describe_by_accept(
    client: httpx.Client, accept: str, rdf_format: str
) -> None:
    mondo = "<http://purl.obolibrary.org/obo/MONDO_0010580>"
    for query in (f"CONSTRUCT {{ {mondo} ?p ?o }} WHERE {{ {mondo} ?p ?o }}", f"DESCRIBE {mondo}"):
        response = client.post("/sparql", data={"query": query}, headers={"Accept": accept})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith(accept)
        graph = Graph().parse(data=response.text, format=rdf_format)
        assert len(graph) > 20
        assert set(graph.subjects()) == {URIRef("http://purl.obolibrary.org/obo/MONDO_0010580")}


def test_unacceptable_format_is_406(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": COUNT}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.text


def test_service_description(client: httpx.Client, base: str) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format="turtle")
    endpoint = URIRef(f"{base}/sparql")
    assert (endpoint, RDF.type, URIRef(SD + "Service")) in graph
    assert (endpoint, URIRef(SD + "endpoint"), endpoint) in graph
    assert (endpoint, URIRef(SD + "supportedLanguage"), URIRef(SD + "SPARQL11Query")) in graph
    formats = set(graph.objects(endpoint, URIRef(SD + "resultFormat")))
    assert URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON") in formats
    as_jsonld = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert len(Graph().parse(data=as_jsonld.text, format="json-ld")) == len(graph)


# --- refusals -----------------------------------------------------------------------------

UPDATE = "INSERT DATA { <https://example.org/a> <https://example.org/b> <https://example.org/c> }"


def test_updates_are_refused_three_ways_and_nothing_changes(client: httpx.Client) -> None:
    before = _count(client)
    responses = [
        client.get("/sparql", params={"update": UPDATE}),
        client.post("/sparql", data={"update": UPDATE}),
        client.post(
            "/sparql", content=UPDATE, headers={"Content-Type": "application/sparql-update"}
        ),
        client.post("/sparql", data={"query": UPDATE}),
        client.get("/sparql", params={"query": "DELETE WHERE { ?s ?p ?o }"}),
        client.get("/sparql", params={"query": "CLEAR ALL"}),
    ]
    for response in responses:
        assert response.status_code == 403, response.text
        assert "read-only" in response.text
    assert _count(client) == before


@pytest.mark.parametrize(
    ("query", "params", "status", "message"),
    [
        ("SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}", {}, 400, "SERVICE is refused"),
        ("SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}", {}, 400, "SERVICE"),
        ("SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}", {}, 400, "SERVICE"),
        ("PREFIX : <{url}/>\nSELECT * WHERE {{ SERVICE:x {{ ?s ?p ?o }} }}", {}, 400, "SERVICE"),
        ("LOAD <{url}>", {}, 403, "read-only"),
        ("LOAD <{url}> INTO GRAPH <https://example.org/g>", {}, 403, "read-only"),
        ("SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}", {}, 400, "FROM <"),
        (
            "PREFIX r: <{url}#>\nSELECT * FROM NAMED r:g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
            {},
            400,
            "FROM <",
        ),
        (
            "SELECT * WHERE {{ ?s ?p ?o }} LIMIT 1",
            {"default-graph-uri": "{url}"},
            400,
            "default-graph-uri",
        ),
        (
            "SELECT * WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} LIMIT 1",
            {"named-graph-uri": "{url}"},
            400,
            "named-graph-uri",
        ),
    ],
    ids=[
        "service",
        "service-silent",
        "escaped-service",
        "service-glued-to-a-name",
        "load",
        "load-into",
        "from",
        "from-named",
        "default-graph-uri",
        "named-graph-uri",
    ],
)
def test_nothing_reaches_out(
    client: httpx.Client, query: str, params: dict[str, str], status: int, message: str
) -> None:
    listener = Listener()
    try:
        text = query.format(url=listener.url)
        form = {k: v.format(url=listener.url) for k, v in params.items()}
        for response in (
            client.get("/sparql", params={"query": text, **form}),
            client.post("/sparql", data={"query": text, **form}),
        ):
            assert response.status_code == status, response.text
            assert message in response.text
    finally:
        listener.close()
    assert listener.connections == 0


def test_malformed_query_gets_the_parser_message(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert response.status_code == 400
    assert response.text.startswith("SPARQL syntax error: error at 1:")


def test_nesting_and_operator_limits(client: httpx.Client) -> None:
    # past them Oxigraph's parser overflowed its stack and killed the worker (503); at them the
    # worker parses and answers
    inner = MAX_NESTING - 1  # the WHERE clause's own brace is the first level
    nested = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o " + "{" * inner + "}" * inner + " }"
    assert client.post("/sparql", data={"query": nested}).status_code == 200
    deeper = nested.replace("{" * inner, "{" * (inner + 1)).replace("}" * inner, "}" * (inner + 1))
    response = client.post("/sparql", data={"query": deeper})
    assert response.status_code == 400
    assert response.text.startswith(f"the query nests brackets {MAX_NESTING + 1} deep;")
    chained = "SELECT (1" + "+1" * MAX_OPERATORS + " AS ?x) {}"
    answer = client.post("/sparql", data={"query": chained})
    assert answer.status_code == 200
    assert answer.json()["results"]["bindings"][0]["x"]["value"] == str(MAX_OPERATORS + 1)
    negated = "ASK { FILTER(" + "!" * (MAX_OPERATORS + 2) + "true) }"
    response = client.post("/sparql", data={"query": negated})
    assert response.status_code == 400
    assert f"has {MAX_OPERATORS + 2} operator characters" in response.text
    assert _count(client) > 0


def test_one_query_and_utf8_escapes_only(client: httpx.Client) -> None:
    # two query= parameters by GET: before, the last one ran (200) while a form POST got a 400
    both = [("query", "SELECT * WHERE { ?s ?p ?o } LIMIT 2"), ("query", "ASK {}")]
    response = client.get("/sparql", params=both)
    assert (response.status_code, response.text) == (
        400,
        "give one query= parameter, not several\n",
    )
    # %FF decodes to no UTF-8 character: before, it became U+FFFD and the query ran
    for url in ("/sparql?query=ASK%20%7B%7D%20%23%FF", "/queries/synonyms?scope=%FF"):
        response = client.get(url)
        assert (response.status_code, response.text) == (400, "the URL's %-escapes are not UTF-8\n")
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    response = client.post("/sparql", content=b"query=ASK%20%7B%7D%23%FF", headers=form)
    assert (response.status_code, response.text) == (400, "the form's %-escapes are not UTF-8\n")
    # a UTF-8 escape is read: a comment holding e acute
    assert client.get("/sparql?query=ASK%20%7B%7D%20%23%C3%A9").json()["boolean"] is True


def test_head_answers_as_get(client: httpx.Client) -> None:
    # before, HEAD /sparql was 415 while GET gave the service description
    for accept in ("text/turtle", "text/html"):
        get = client.get("/sparql", headers={"Accept": accept})
        head = client.head("/sparql", headers={"Accept": accept})
        assert (head.status_code, get.status_code) == (200, 200)
        assert head.headers["content-type"] == get.headers["content-type"]
        assert head.content == b""
    head = client.head("/sparql", params={"query": "ASK {}"})
    assert head.status_code == 200 and head.headers["content-type"].startswith(
        "application/sparql-results+json"
    )


def test_no_query_in_a_post_is_400(client: httpx.Client) -> None:
    assert client.post("/sparql", data={"default-graph-uri": "x"}).status_code == 400
    response = client.post("/sparql", content=b"x", headers={"Content-Type": "text/plain"})
    assert response.status_code == 415


def test_oversize_query_and_body(client: httpx.Client) -> None:
    long_query = "SELECT * WHERE { ?s ?p ?o }" + " " * 6000
    assert client.post("/sparql", data={"query": long_query}).status_code == 413
    assert client.get("/sparql", params={"query": long_query}).status_code == 414
    body = b"query=" + b"x" * (70 * 1024)
    response = client.post(
        "/sparql", content=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 413
    assert "body is larger" in response.text


def test_row_cap(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert response.status_code == 400
    assert f"more than {MAX_ROWS} rows" in response.text
    limited = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 10"})
    assert limited.status_code == 200


def test_runaway_query_is_stopped_while_others_get_answers(base: str) -> None:
    runaway: dict[str, httpx.Response] = {}

    def run() -> None:
        with httpx.Client(timeout=120) as slow:
            runaway["response"] = slow.get(f"{base}/sparql", params={"query": RUNAWAY})

    thread = threading.Thread(target=run)
    thread.start()
    answered = 0
    with httpx.Client(base_url=base, timeout=60) as other:
        while thread.is_alive() and answered < 1000:
            assert _count(other) > 0
            answered += 1
        thread.join()
        assert _count(other) > 0  # a new worker has replaced the stopped one
    response = runaway["response"]
    assert response.status_code == 503
    assert f"stopped after {TIME_LIMIT} s" in response.text
    assert answered > 1  # the other client was answered while the runaway query ran


def test_property_path_explosion_is_stopped(client: httpx.Client) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?a (<x:p>|!<x:q>)*/(!<x:r>)*/(!<x:s>)* ?b . ?c ?d ?e }"
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 503
    assert _count(client) > 0


# --- stored queries -----------------------------------------------------------------------


def test_queries_lists_the_catalogue_with_parameters(client: httpx.Client) -> None:
    listed = {q["name"]: q for q in client.get("/queries").json()}
    assert set(listed) == set(catalogue())
    organ = listed["manifestations-by-organ"]["parameters"]
    assert organ == [
        {"name": "organ", "type": "iri", "required": False, "example": "UBERON:0002046"}
    ]


@pytest.mark.parametrize("name", sorted(catalogue()))
def test_stored_query_over_http_equals_the_cli(client: httpx.Client, name: str) -> None:
    query = catalogue()[name]
    params = dict(query.example)
    store = package_store()
    fmt = "turtle" if query.form == "CONSTRUCT" else "csv"
    expected = format_result(run_query(name, open_store(store), engine="oxigraph", **params), fmt)
    response = client.get(f"/queries/{name}", params={**params, "format": fmt})
    assert response.status_code == 200, response.text
    assert response.text == expected


def test_stored_query_formats_by_accept(client: httpx.Client) -> None:
    url = "/queries/manifestations-by-organ"
    params = {"organ": "UBERON:0002046"}
    as_json = client.get(url, params=params, headers={"Accept": "application/json"}).json()
    assert {b["organ"]["value"] for b in as_json["results"]["bindings"]} == {
        "http://purl.obolibrary.org/obo/UBERON_0002046"
    }
    table = client.get(url, params=params, headers={"Accept": "text/plain"}).text
    assert table.splitlines()[0].split() == [
        "organ",
        "organ_label",
        "phenotype",
        "phenotype_label",
        "reports",
    ]
    markdown = client.get(url, params={**params, "format": "md"})
    assert markdown.headers["content-type"].startswith("text/markdown")
    card = client.get("/queries/disease-card", headers={"Accept": "application/ld+json"})
    assert len(Graph().parse(data=card.text, format="json-ld")) > 20


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/queries/manifestations-by-organ?organ=foo:bar", 400, "unknown prefix 'foo'"),
        ("/queries/manifestations-by-organ?organ=UBERON:abc", 400, "not a valid UBERON identifier"),
        ("/queries/manifestations-by-organ?colour=red", 400, "has no parameter 'colour'"),
        (
            "/queries/manifestations-by-organ?organ=UBERON:0002046&organ=UBERON:0000160",
            400,
            "given twice",
        ),
        ("/queries/manifestations-above-frequency?min_percentage=lots", 400, "expects a number"),
        ("/queries/no-such-query", 404, "no stored query named 'no-such-query'"),
        ("/queries/manifestations-by-organ?format=png", 406, "answers in"),
    ],
    ids=[
        "unknown-prefix",
        "bad-pattern",
        "unknown-param",
        "twice",
        "type",
        "unknown-query",
        "format",
    ],
)
def test_parameter_validation_over_http(
    client: httpx.Client, url: str, status: int, message: str
) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert message in response.text


def test_required_parameter_over_http(client: httpx.Client) -> None:
    required = [q for q in catalogue().values() if q.required]
    assert required, "the catalogue has a query with a required parameter"
    response = client.get(f"/queries/{required[0].name}")
    assert response.status_code == 400
    assert f"requires the parameter {required[0].required[0]!r}" in response.text


def test_sparql_examples(client: httpx.Client, base: str) -> None:
    response = client.get("/.well-known/sparql-examples")
    assert response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    examples = set(graph.subjects(RDF.type, SH.SPARQLExecutable))
    assert len(examples) == len(catalogue())
    target = URIRef("https://schema.org/target")
    assert set(graph.objects(None, target)) == {URIRef(f"{base}/sparql")}


# --- pages and linked data ----------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


def _links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.links


DOWNLOADS_FOLLOWED = (
    "/queries/disease-card",
    "/queries/manifestations-by-organ",
    "/queries/treatments",
)
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_catalogue_page_and_every_query_page(client: httpx.Client) -> None:
    page = client.get("/queries", headers=BROWSER)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    query_links = sorted({h for h in _links(page.text) if h.startswith("/queries/")})
    assert query_links == sorted(f"/queries/{name}" for name in catalogue())
    for link in query_links:
        query = catalogue()[link.rsplit("/", 1)[1]]
        response = client.get(link, params=dict(query.example), headers=BROWSER)
        assert response.status_code == 200, link
        assert "<table>" in response.text or "Answer:" in response.text, link
        assert query.summary.replace("'", "&#39;") in response.text
        if link in DOWNLOADS_FOLLOWED:
            for download in (h for h in _links(response.text) if "format=" in h):
                assert client.get(download).status_code == 200, download


def test_query_page_shows_a_parameter_error(client: httpx.Client) -> None:
    response = client.get("/queries/manifestations-by-organ?organ=foo:bar", headers=BROWSER)
    assert response.status_code == 400
    assert "unknown prefix" in response.text and "<form" in response.text


def test_home_is_the_disease_card_drawn_from_the_served_store(
    client: httpx.Client, store: Path
) -> None:
    from ipexkg.card import render_card
    from ipexkg.store import open_store

    home = client.get("/", headers=BROWSER)
    assert home.status_code == 200
    assert home.headers["content-type"].startswith("text/html")
    assert home.text == render_card(open_store(store))


def test_home_and_query_pages(client: httpx.Client) -> None:
    home = client.get("/about", headers=BROWSER)
    assert home.status_code == 200
    local = [link for link in _links(home.text) if link.startswith("/")]  # never the network
    assert len(local) >= 4
    for link in local:
        assert client.get(link, headers=BROWSER).status_code == 200, link
    form = client.get("/sparql", headers=BROWSER)
    assert "<textarea" in form.text
    answer = client.get("/sparql", params={"query": COUNT}, headers=BROWSER)
    assert answer.headers["content-type"].startswith("text/html")
    assert re.search(r"<td>\d+</td>", answer.text)


def test_package_iris_dereference(client: httpx.Client, base: str) -> None:
    html = client.get("/dataset", headers=BROWSER)
    assert html.status_code == 200 and "https://w3id.org/ipexkg/dataset" in html.text
    turtle = client.get("/dataset", headers={"Accept": "text/turtle"})
    assert "@prefix dcterms: <http://purl.org/dc/terms/> ." in turtle.text
    graph = Graph().parse(data=turtle.text, format="turtle")
    assert (URIRef("https://w3id.org/ipexkg/dataset"), None, None) in graph
    association = client.get(
        "/sparql",
        params={"query": f"SELECT ?a WHERE {{ ?a <{RDF.subject}> ?s }} LIMIT 1"},
    ).json()["results"]["bindings"][0]["a"]["value"]
    path = association.removeprefix("https://w3id.org/ipexkg/")
    as_json = client.get(f"/{path}", headers={"Accept": "application/ld+json"})
    assert as_json.status_code == 200
    assert len(Graph().parse(data=as_json.text, format="json-ld")) > 5
    page = client.get(f"/{path}", headers=BROWSER)
    links = _links(page.text)
    assert any(link.startswith("/curator/") for link in links)
    missing = client.get("/association/does-not-exist")
    assert missing.status_code == 404
    assert json.dumps("nothing")[1:-1] in missing.text
