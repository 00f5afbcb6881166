"""The integrated store: the curated graph merged with HPO annotations and the hierarchy.

Built here from a sample of phenotype.hpoa (IPEX's own records, a few IPEX-like disorders and
the first diseases of the file) so the test takes seconds; the whole corpus (3.6 million triples)
is merged in tests/test_merge.py and measured in bench/bench_integrate.py.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal
from servers import free_port, ipexkg_command, start_server, stop_server

from ipexkg.cli import main
from ipexkg.differential import (
    CORPUS_FILE,
    corpus_from_store,
    differential,
    load_corpus,
    store_corpus,
)
from ipexkg.hpo import iter_hpo_annotations
from ipexkg.hpo_hierarchy import HP_IRI
from ipexkg.integrate import (
    AGGREGATOR,
    CURATED_ASSOCIATION,
    CURATED_GRAPH,
    IMPORTED_ASSOCIATION,
    _stream_load,
    curated_facts,
    integrate_hpo,
    validate_curated,
)
from ipexkg.queries import QueryError, catalogue, run_query, stored_query
from ipexkg.results import format_result
from ipexkg.store import open_store
from ipexkg.validate import validate_graph

IPEX_RECORDS = ("OMIM:304790", "ORPHA:37042")
#: IPEX-like disorders named by the differential's top 20 (STAT3 GOF, LRBA, CTLA4)
OTHERS = ("OMIM:615952", "OMIM:614700", "ORPHA:436159")
CQ = sorted(q.name for q in catalogue().values() if q.kind == "cq")


@pytest.fixture(scope="module")
def sample() -> frozenset[str]:
    first: list[str] = []
    for row in iter_hpo_annotations():
        if row.database_id not in first:
            first.append(row.database_id)
        if len(first) == 60:
            break
    return frozenset((*first, *IPEX_RECORDS, *OTHERS))


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory, sample: frozenset[str]) -> Path:
    path = tmp_path_factory.mktemp("integrated") / "store"
    result = integrate_hpo(path, progress=False, diseases=sample)
    assert result.built
    return path


def test_second_call_reuses_the_store(store_dir: Path, sample: frozenset[str]) -> None:
    assert not integrate_hpo(store_dir, diseases=sample).built


def _count(store: ox.Store, text: str) -> int:
    rows = list(store.query(text))  # type: ignore[arg-type]
    return int(rows[0][0].value)


def test_curated_and_imported_are_distinguishable(store_dir: Path, graph: Graph) -> None:
    store = open_store(store_dir)
    ask = (
        "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ ?a <{p}> ?s "
        'FILTER(STRSTARTS(STR(?a), "{ns}")) }}'
    )
    subject = "http://www.w3.org/1999/02/22-rdf-syntax-ns#subject"
    imported = _count(store, ask.format(p=subject, ns=IMPORTED_ASSOCIATION))
    assert imported > 1000
    assert _count(store, ask.format(p=AGGREGATOR, ns=IMPORTED_ASSOCIATION)) == imported
    assert _count(store, ask.format(p=AGGREGATOR, ns=CURATED_ASSOCIATION)) == 0
    curated = _count(store, ask.format(p=subject, ns=CURATED_ASSOCIATION))
    assert curated == len({s for s in graph.subjects() if str(s).startswith(CURATED_ASSOCIATION)})
    in_graph = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{CURATED_GRAPH}> {{ ?s ?p ?o }} }}"
    assert _count(store, in_graph) == len(graph)


@pytest.mark.parametrize("name", CQ)
def test_same_answers_about_ipex_merged_and_alone(name: str, store_dir: Path, graph: Graph) -> None:
    query = catalogue()[name]
    params = dict(query.example) if query.required else {}
    merged = run_query(name, open_store(store_dir), engine="oxigraph", **params)
    alone = run_query(name, graph, engine="oxigraph", **params)
    assert merged.rows == alone.rows


def _by_value(graph: Graph) -> set[tuple[object, ...]]:
    def term(node: object) -> object:
        if isinstance(node, Literal):
            return ("literal", node.value, node.datatype, node.language)
        return node

    return {tuple(map(term, triple)) for triple in graph}


def test_validate_inside_the_store_equals_alone(store_dir: Path, graph: Graph) -> None:
    inside = curated_facts(open_store(store_dir))
    # the same triples, literals compared by value: Oxigraph writes decimals canonically
    # ("11.0" is kept as "11")
    assert _by_value(inside) == _by_value(graph)
    merged, alone = validate_curated(open_store(store_dir)), validate_graph(graph)
    assert merged.conforms == alone.conforms
    assert merged.summary == alone.summary
    assert merged.results == alone.results


def test_qc_inside_the_store_reads_the_curated_graph_only(store_dir: Path) -> None:
    # a QC query that finds every disease with a phenotype: in the store's curated named graph
    # it must see the curated disease only, not the thousands of imported ones
    query = replace(
        catalogue()["fact-without-association-violation"],
        name="every-disease",
        text="PREFIX biolink: <https://w3id.org/biolink/vocab/>\n"
        "SELECT DISTINCT ?focus WHERE { ?focus biolink:has_phenotype ?p }",
    )
    store = open_store(store_dir)
    rows = validate_graph(curated_facts(store), qc_queries=[query], qc_on=(store, CURATED_GRAPH))
    focus = {f.focus for f in rows.results if f.shape.endswith("every-disease")}
    assert focus == {"MONDO:0010580"}


def test_cli_on_the_store(store_dir: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["validate", "--store", str(store_dir)]) == 0
    capsys.readouterr()
    assert main(["query", "endocrine-manifestations", "--store", str(store_dir), "-f", "tsv"]) == 0
    merged = capsys.readouterr().out
    assert main(["query", "endocrine-manifestations", "-f", "tsv"]) == 0
    assert capsys.readouterr().out == merged
    assert main(["query", "synonyms", "--store", str(store_dir), "--engine", "rdflib"]) == 2
    assert "--store runs on Oxigraph" in capsys.readouterr().err


def test_integrate_refuses_a_folder_that_is_not_a_store(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "x.txt").write_text("not a store", encoding="utf-8")
    assert main(["integrate", "hpo", "--store", str(tmp_path)]) == 2
    assert "is not an ipexkg store" in capsys.readouterr().err
    assert main(["query", "synonyms", "--store", str(tmp_path)]) == 2


def test_differential_on_the_store_ranks_ipex_like_disorders(store_dir: Path) -> None:
    corpus = corpus_from_store(open_store(store_dir))
    assert "MONDO:0010580" in corpus.phenotypes  # the curated disease is a query like any other
    exclude = {"MONDO:0010580", "OMIM:304790", "Orphanet:37042"}
    top = differential(corpus, corpus.phenotypes["MONDO:0010580"], exclude=exclude, top=3)
    assert {m.disease for m in top} == {"OMIM:615952", "OMIM:614700", "Orphanet:436159"}
    assert all(m.shared for m in top)


def test_store_keeps_the_differential_corpus_it_holds(store_dir: Path) -> None:
    # integrate saved the corpus in the store folder; it equals the one read from the store
    saved = load_corpus(store_dir / CORPUS_FILE)
    assert saved is not None
    read = corpus_from_store(open_store(store_dir))
    assert dict(saved.phenotypes) == dict(read.phenotypes)
    assert dict(saved.parents) == dict(read.parents)
    assert store_corpus(store_dir).phenotypes == saved.phenotypes


def test_store_corpus_rebuilds_a_missing_file(store_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "store"
    shutil.copytree(store_dir, copy)
    (copy / CORPUS_FILE).unlink()
    corpus = store_corpus(copy)
    assert (copy / CORPUS_FILE).is_file()
    assert dict(corpus.phenotypes) == dict(load_corpus(store_dir / CORPUS_FILE).phenotypes)  # type: ignore[union-attr]


def test_differential_cli_on_the_store(store_dir: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    argv = ["differential", "OMIM:304790", "--store", str(store_dir), "--top", "3"]
    assert main([*argv, "--exclude", "Orphanet:37042", "--exclude", "MONDO:0010580"]) == 0
    out = capsys.readouterr().out
    assert out.count("shared:") == 3
    assert main(["differential", "--store", str(store_dir)]) == 2
    assert main(["differential", "--phenotypes", "HP:0000001", "--store", str(store_dir)]) == 2
    capsys.readouterr()
    # a patient's list is ranked by coverage unless --measure says otherwise
    triad = ["differential", "--phenotypes", "HP:0002028,HP:0100651,HP:0000964"]
    assert main([*triad, "--store", str(store_dir), "--top", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    terms = ("HP:0002028", "HP:0100651", "HP:0000964")
    first = differential(store_corpus(store_dir), terms, measure="coverage", top=1)[0]
    assert lines[0].split() == ["rank", "coverage", "simGIC", "disease"]
    assert lines[1].split()[:4] == ["1", "1.000", f"{first.simgic:.3f}", "OMIM:304790"]
    assert main([*triad, "--store", str(store_dir), "--measure", "simgic", "--top", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    first = differential(store_corpus(store_dir), terms, top=1)[0]
    assert lines[0].split() == ["rank", "simGIC", "disease"]
    assert lines[1].split()[:3] == ["1", f"{first.score:.3f}", first.disease]


def test_differential_cli_refuses_a_bad_id(store_dir: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["differential", "not-a-curie", "--store", str(store_dir)]) == 2
    assert "not a CURIE" in capsys.readouterr().err


def test_differential_cli_reads_a_list_as_the_stored_query_does(
    store_dir: Path,
    capsys,  # type: ignore[no-untyped-def]
) -> None:
    # commas, spaces, repeated options and IRIs give one list, as for an 'iris' parameter
    store = ["--store", str(store_dir), "--top", "5"]
    outputs = []
    for spelling in (
        ["--phenotypes", "HP:0002028,HP:0100651,HP:0000964"],
        ["--phenotypes", "HP:0002028 HP:0100651, HP:0000964,"],
        ["--phenotypes", "HP:0002028", "--phenotypes", "HP:0100651 HP:0000964"],
        ["--phenotypes", f"<{HP_IRI}0002028> {HP_IRI}0100651 HP:0000964"],
    ):
        assert main(["differential", *spelling, *store]) == 0
        outputs.append(capsys.readouterr().out)
    assert len(set(outputs)) == 1
    assert main(["differential", "--phenotypes", "HP:0002028,HP:0100651", *store]) == 0
    assert capsys.readouterr().out != outputs[0]  # one term less: another answer


@pytest.mark.parametrize(
    ("given", "named"),
    [
        ("HP:0002028,HP:9999999", "HP:9999999"),  # well formed, not in hp.obo
        ("HP:0002028 hp:0100651 XX:1", "hp:0100651, XX:1"),  # every bad item is named
        ("HP:0000001", "HP:0000001"),  # the root: not a phenotypic abnormality
        ("HP:0000006", "HP:0000006"),  # a mode of inheritance (Autosomal dominant inheritance)
        (" , ", "no phenotypes given"),
    ],
)
def test_differential_cli_names_every_unknown_term(
    store_dir: Path,
    capsys,  # type: ignore[no-untyped-def]
    given: str,
    named: str,
) -> None:
    # before, a mistyped id dropped out of the ranking without a word
    assert main(["differential", "--phenotypes", given, "--store", str(store_dir)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: --phenotypes: ")
    assert named in captured.err
    assert "Traceback" not in captured.err


def _write(sink: int, text: str, status: int = 0) -> None:
    with os.fdopen(sink, "w", encoding="utf-8") as handle:
        handle.write(text)
    if status:
        os._exit(status)


def test_stream_load_fails_loudly_when_the_converter_fails() -> None:
    line = "<https://example.org/s> <https://example.org/p> <https://example.org/o> .\n"
    store = ox.Store()
    _stream_load(store, lambda sink: _write(sink, line * 3))
    assert len(store) == 1
    with pytest.raises(RuntimeError, match="child process"):
        _stream_load(ox.Store(), lambda sink: _write(sink, line, status=1))
    # the load is lenient (no IRI checks) but a line that is not a triple still stops it
    no_object = "<https://example.org/s> <https://example.org/p> .\n"
    with pytest.raises(SyntaxError):
        _stream_load(ox.Store(), lambda sink: _write(sink, line + no_object + line * 10**5))


@pytest.mark.parametrize("disease", ["MONDO:0010580", "OMIM:614700"])
def test_stored_differential_query_ranks_as_the_python_differential(
    disease: str, store_dir: Path
) -> None:
    # the curated IPEX node (its records OMIM:304790 and Orphanet:37042 are exact matches, not
    # candidates) and an imported disease; the curated node is never a candidate (the store
    # keeps no statistic on it), its records are
    store = open_store(store_dir)
    corpus = store_corpus(store_dir)
    same = {disease, "OMIM:304790", "Orphanet:37042"} if disease.startswith("MONDO") else {disease}
    expected = differential(corpus, corpus.phenotypes[disease], exclude=same | {"MONDO:0010580"})
    result = run_query("phenotypic-differential", store, engine="oxigraph", disease=disease)
    assert result.variables[:4] == ("disease", "candidate", "candidate_label", "score")
    assert {row["disease"] for row in result.dicts()} == {disease}
    ranked = {row["candidate"]: row for row in result.dicts()}  # a disease may have two labels
    assert list(ranked) == [m.disease for m in expected]
    assert [r["score"] for r in ranked.values()] == pytest.approx([m.score for m in expected])
    closed, ic = corpus.closed()
    for candidate, row in ranked.items():
        both = closed[disease] & closed[candidate]  # type: ignore[index]
        assert row["shared_phenotypes"] == len(both)
        assert row["shared_ic"] == pytest.approx(sum(ic[t] for t in both))


#: a patient's list: the CLI's example, and IPEX's own record's terms (more than the sample's)
PATIENTS = {
    "example": ("HP:0002028", "HP:0100651", "HP:0000964"),
    "omim-304790": None,
}


@pytest.mark.parametrize("patient", sorted(PATIENTS))
def test_stored_patient_differential_ranks_as_the_python_differential(
    patient: str, store_dir: Path
) -> None:
    store = open_store(store_dir)
    corpus = store_corpus(store_dir)
    terms = PATIENTS[patient] or tuple(sorted(corpus.phenotypes["OMIM:304790"]))
    # the curated node has no information-content sum in the store, so it is never a candidate
    expected = differential(corpus, terms, exclude={"MONDO:0010580"}, measure="coverage")
    assert len(expected) == 20
    # IPEX's own record first: it has all of either list, and of those the highest simGIC
    assert expected[0].disease == "OMIM:304790" and expected[0].score == 1.0
    result = run_query(
        "patient-phenotypic-differential", store, engine="oxigraph", phenotypes=list(terms)
    )
    assert result.variables[:4] == ("candidate", "candidate_label", "coverage", "simgic")
    ranked = {row["candidate"]: row for row in result.dicts()}  # a disease may have two labels
    assert list(ranked) == [m.disease for m in expected]
    assert [r["coverage"] for r in ranked.values()] == pytest.approx([m.score for m in expected])
    assert [r["simgic"] for r in ranked.values()] == pytest.approx([m.simgic for m in expected])
    assert {r["unused_terms"] for r in ranked.values()} == {0}  # every listed term is known
    closed, ic = corpus.closed()
    patient_closed = corpus.closure(terms)
    for candidate, row in ranked.items():
        both = patient_closed & closed[candidate]  # type: ignore[index]
        assert row["shared_phenotypes"] == len(both)
        assert row["shared_ic"] == pytest.approx(sum(ic[t] for t in both))


def test_run_query_picks_the_engine_that_reads_the_source(store_dir: Path, graph: Graph) -> None:
    store = open_store(store_dir)
    name = "causal-gene"
    assert run_query(name, store).rows
    assert run_query(name, store).rows == run_query(name, store, engine="oxigraph").rows
    assert run_query(name, graph).rows == run_query(name, graph, engine="rdflib").rows
    with pytest.raises(QueryError, match="needs an rdflib Graph"):
        run_query(name, store, engine="rdflib")


def test_stored_patient_differential_takes_the_list_in_any_spelling(
    store_dir: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    store = open_store(store_dir)
    spellings = (
        "HP:0002028,HP:0100651,HP:0000964",
        " HP:0000964  HP:0002028,HP:0100651 , HP:0002028",
        "<http://purl.obolibrary.org/obo/HP_0002028>,HP:0100651 HP:0000964",
    )
    answers = [
        run_query("patient-phenotypic-differential", store, engine="oxigraph", phenotypes=text).rows
        for text in spellings
    ]
    assert answers[0] and all(answer == answers[0] for answer in answers)
    # one term less is another answer (the list is read, not ignored)
    fewer = run_query(
        "patient-phenotypic-differential",
        store,
        engine="oxigraph",
        phenotypes="HP:0002028,HP:0100651",
    )
    assert fewer.rows != answers[0]
    # terms the corpus does not know (well formed, not in hp.obo; an inheritance term) change
    # no score: the rows say how many there were
    unknown = run_query(
        "patient-phenotypic-differential",
        store,
        engine="oxigraph",
        phenotypes=f"{spellings[0]},HP:9999999 HP:0000006",
    )
    assert [row[:-1] for row in unknown.rows] == [row[:-1] for row in answers[0]]
    assert {row[-1] for row in unknown.rows} == {2}
    # on the command line the list may also come as repeated --param
    argv = ["query", "patient-phenotypic-differential", "--store", str(store_dir)]
    argv += ["--format", "csv"]
    assert main([*argv, "--param", f"phenotypes={spellings[0]}"]) == 0
    once = capsys.readouterr().out
    repeated = [f"--param=phenotypes={t}" for t in ("HP:0002028", "HP:0100651", "HP:0000964")]
    assert main([*argv, *repeated]) == 0
    assert capsys.readouterr().out == once


def test_stored_shared_phenotypes_are_the_python_differentials(store_dir: Path) -> None:
    store = open_store(store_dir)
    corpus = store_corpus(store_dir)
    ipex = "MONDO:0010580"
    matches = differential(corpus, corpus.phenotypes[ipex], top=5)
    assert matches
    for match in matches:
        result = run_query(
            "differential-shared-phenotypes",
            store,
            engine="oxigraph",
            disease=ipex,
            candidate=match.disease,
        )
        listed = list(dict.fromkeys(row["phenotype"] for row in result.dicts()))
        assert listed == list(match.shared), match.disease
        assert {row["candidate"] for row in result.dicts()} == {match.disease}


@pytest.mark.parametrize(
    "name",
    [
        "phenotypic-differential",
        "differential-shared-phenotypes",
        "patient-phenotypic-differential",
    ],
)
def test_stored_differential_queries_are_empty_on_the_package_graph(
    name: str, graph: Graph
) -> None:
    # the package graph holds no information content: both engines answer nothing
    query = stored_query(name)
    assert query.kind == "store"
    for engine in ("rdflib", "oxigraph"):
        assert run_query(name, graph, engine=engine, **dict(query.example)).rows == []


def test_stored_differential_queries_over_http_on_the_store(
    store_dir: Path, tmp_path: Path
) -> None:
    # `ipexkg serve --store` on the integrated store answers the two store queries, with their
    # parameters, as run_query does on the same store
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = ipexkg_command("serve", "--port", str(port), "--store", str(store_dir))
    process = start_server(command, f"{url}/sparql", tmp_path / "serve.log")
    try:
        store = open_store(store_dir)
        names = (
            "phenotypic-differential",
            "differential-shared-phenotypes",
            "patient-phenotypic-differential",
        )
        for name in names:
            params = dict(stored_query(name).example)
            expected = run_query(name, store, engine="oxigraph", **params)
            assert expected.rows, name  # the example pair shares phenotypes in the sample
            answer = httpx.get(f"{url}/queries/{name}", params={**params, "format": "csv"})
            assert answer.status_code == 200, answer.text
            assert answer.text == format_result(expected, "csv")
        missing = httpx.get(f"{url}/queries/phenotypic-differential")
        assert missing.status_code == 400
        assert "requires the parameter 'disease'" in missing.text
        # the list given as a repeated URL parameter (as an HTML form with several fields sends
        # it) is the same list
        patient = f"{url}/queries/patient-phenotypic-differential"
        one = httpx.get(patient, params={**dict(stored_query(names[2]).example), "format": "csv"})
        repeated = [("phenotypes", t) for t in ("HP:0002028", "HP:0100651", "HP:0000964")]
        answer = httpx.get(patient, params=[*repeated, ("format", "csv")])
        assert answer.status_code == 200 and answer.text == one.text
        twice = httpx.get(f"{url}/queries/phenotypic-differential?disease=OMIM:1&disease=OMIM:2")
        assert twice.status_code == 400 and "'disease' is given twice" in twice.text
        bad = httpx.get(patient, params={"phenotypes": "HP:0002028,HP:12"})
        assert bad.status_code == 400
        assert "'HP:12' is not a valid HP identifier" in bad.text
    finally:
        stop_server(process)
