"""The disease card as the server's home page: rendered from the served store once, then kept."""

from __future__ import annotations

import asyncio
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

__all__ = ["card_home"]


def _render(store: Path) -> str:
    from ipexkg.card import render_card
    from ipexkg.store import open_store

    return render_card(open_store(store))


async def card_home(request: Request) -> Response:
    """``/``: the disease card of the served store (the same page as ``ipexkg card``)."""
    state = request.app.state
    html: str | None = getattr(state, "card_html", None)
    if html is None:
        html = await asyncio.to_thread(_render, state.settings.store)
        state.card_html = html
    return HTMLResponse(html)
