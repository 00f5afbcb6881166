"""Charts of the disease card: Vega-Lite specifications (Altair) rendered to static SVG offline.

``vl-convert-python`` embeds Vega and a JavaScript engine, so rendering needs neither a browser
nor the network, and the same specification gives the same SVG bytes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import altair as alt
import vl_convert as vlc

from ipexkg.card.model import Report

__all__ = ["frequency_chart", "frequency_spec", "render_svg"]

_FRACTION = "fraction of patients (n of m)"
_PERCENT = "percentage"
_BAND = "HPO frequency class (its band)"
_COLOURS = {_FRACTION: "#1f5f99", _PERCENT: "#6a3d9a", _BAND: "#e08a2e"}
_ROW = 22


def _rows(reports: Sequence[Report], short: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    previous = ""
    for i, report in enumerate(reports):
        f = report.fact
        who = ", ".join(short.get(s, s) for s in f.sources)
        # the manifestation names its first row only, so that its sources read as one group
        label = "" if report.phenotype == previous else report.label
        row: dict[str, Any] = {"row": f"{i:03d}", "label": label}
        if f.count is not None and f.total is not None and f.total > 0:
            pct = round(100 * f.count / f.total, 1)
            row |= {"kind": _FRACTION, "low": 0, "high": pct, "value": f"{f.count}/{f.total}"}
        elif f.percentage is not None:
            high = float(f.percentage)
            row |= {"kind": _PERCENT, "low": 0, "high": high, "value": f"{f.percentage}%"}
        elif report.band is not None:
            low, high = report.band
            band = {"low": low, "high": max(high, low + 0.5), "value": f.frequency_label}
            row |= {"kind": _BAND, **band}
        else:
            continue
        row["text"] = f"{row['value']} · {who}"
        previous = report.phenotype
        rows.append(row)
    return rows


def frequency_spec(reports: Sequence[Report], short: dict[str, str]) -> dict[str, Any] | None:
    """Return the Vega-Lite specification of one organ system's frequencies, or None if none.

    One row per source report: a fraction is a bar to n/m, a percentage a bar to its value, an
    HPO frequency class a bar spanning its band, each labelled with its value and source; the
    reports of one manifestation sit next to each other under its name.
    """
    rows = _rows(reports, short)
    if not rows:
        return None
    labels = {r["row"]: r["label"] for r in rows}
    expr = "{" + ",".join(f"'{k}':{_js(v)}" for k, v in labels.items()) + "}[datum.value]"
    data = alt.Data(values=rows)  # type: ignore[no-untyped-call]
    y = alt.Y(
        "row:N",
        title=None,
        sort=None,
        axis=alt.Axis(labelExpr=expr, labelLimit=300, labelFontSize=12, ticks=False),
    )
    x = alt.X(
        "low:Q",
        title="% of patients",
        scale=alt.Scale(domain=[0, 100], nice=False),
        axis=alt.Axis(values=[0, 25, 50, 75, 100], grid=True),
    )
    colour = alt.Color(
        "kind:N",
        title=None,
        scale=alt.Scale(domain=list(_COLOURS), range=list(_COLOURS.values())),
        legend=alt.Legend(orient="top", direction="horizontal", labelLimit=260),
    )
    base = alt.Chart(data)
    bars = base.mark_bar(height=_ROW - 8).encode(y=y, x=x, x2="high:Q", color=colour)
    text = base.mark_text(align="left", dx=3, fontSize=12, color="#1a1a1a").encode(
        y=y, x=alt.X("high:Q"), text="text:N"
    )
    chart = (
        (bars + text)
        .properties(width=260, height=_ROW * len(rows))
        .configure(font="DejaVu Sans, Arial, sans-serif")
        .configure_view(stroke=None)
    )
    spec: dict[str, Any] = chart.to_dict()
    return spec


def _js(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def render_svg(spec: dict[str, Any], title: str) -> str:
    """Render a Vega-Lite specification to an SVG element for inline use (with a title)."""
    svg = vlc.vegalite_to_svg(spec)
    svg = re.sub(r"^<svg ", '<svg role="img" ', svg, count=1)
    svg = svg.replace(">", f"><title>{_escape(title)}</title>", 1)
    return svg


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def frequency_chart(reports: Sequence[Report], short: dict[str, str], title: str) -> str:
    """Return the inline SVG chart of ``reports``, or ``""`` when none has a frequency."""
    spec = frequency_spec(reports, short)
    return render_svg(spec, title) if spec is not None else ""
