"""The disease card: one self-contained HTML page about IPEX, drawn from the stored queries.

:func:`render_card` runs the stored queries ``card-facts`` and ``publications`` on a graph (or an
Oxigraph store), groups the answers (:mod:`ipexkg.card.model`), draws the frequency charts as
Vega-Lite specifications rendered to SVG offline (:mod:`ipexkg.card.charts`) and fills the Jinja2
template ``templates/card.html.j2``. The page needs no network, no CDN and no JavaScript, and
the same graph gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.resources import files

import jinja2

from ipexkg import __version__
from ipexkg.card.charts import frequency_chart
from ipexkg.card.model import Card, build_card, group_facts, group_reports
from ipexkg.engines import Source
from ipexkg.queries import default_graph, run_query

__all__ = ["CARD_FILE", "CARD_QUERIES", "card_from", "render_card", "render_html"]

#: the card's file name in a release
CARD_FILE = "ipexkg.html"
#: the stored queries whose answers make the card
CARD_QUERIES = ("card-facts", "publications")


def _environment() -> jinja2.Environment:
    loader = jinja2.FileSystemLoader(str(files("ipexkg.card") / "templates"))
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["group_facts"] = group_facts
    env.filters["group_reports"] = group_reports
    return env


def card_from(source: Source | None = None, *, engine: str = "oxigraph") -> Card:
    """Return the card's content: the answers of :data:`CARD_QUERIES` on ``source``, grouped.

    :param source: an rdflib graph or a ``pyoxigraph.Store`` (default: the package's graph)
    :param engine: ``oxigraph`` (default, fast) or ``rdflib``; both give the same answer
    """
    graph = source if source is not None else default_graph()
    facts = run_query("card-facts", graph, engine=engine).dicts()
    publications = run_query("publications", graph, engine=engine).dicts()
    return build_card(facts, publications)


def render_html(card: Card, release_files: Sequence[tuple[str, str]] = ()) -> str:
    """Return the page for ``card``.

    :param release_files: (file name, description) of the release files the page links to
    """
    short = {curie: ref.short for curie, ref in card.sources.items()}
    charts = {
        system.anchor: frequency_chart(
            system.reports, short, f"Frequency of each manifestation of {system.label}, by source"
        )
        for system in card.systems
    }
    template = _environment().get_template("card.html.j2")
    css = (files("ipexkg.card") / "templates" / "card.css").read_text(encoding="utf-8")
    return template.render(
        card=card,
        charts=charts,
        css=css,
        release_files=list(release_files),
        version=__version__,
        queries=CARD_QUERIES,
        anchors=[],  # the facts whose in-page anchor is already written (ids are unique)
    )


def render_card(
    source: Source | None = None,
    *,
    engine: str = "oxigraph",
    release_files: Sequence[tuple[str, str]] = (),
) -> str:
    """Return the disease card of the graph ``source`` as one self-contained HTML page.

    >>> html = render_card()  # doctest: +SKIP

    :param source: an rdflib graph or a ``pyoxigraph.Store`` (default: the package's graph)
    :param engine: ``oxigraph`` (default) or ``rdflib``
    :param release_files: (file name, description) of the release files the page links to
    """
    return render_html(card_from(source, engine=engine), release_files)
