"""The web server: a read-only SPARQL 1.1 endpoint with the stored queries as an HTTP API.

:func:`create_app` returns the ASGI application (Starlette); :func:`serve` runs it with uvicorn.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.routing import BaseRoute

from ipexkg.web.app import Endpoint, Settings, create_app

__all__ = ["Settings", "create_app", "serve"]


def serve(
    settings: Settings,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    home: Endpoint | None = None,
    routes: Sequence[BaseRoute] = (),
) -> None:
    """Serve the store of ``settings`` on ``host:port`` until interrupted (uvicorn).

    :param home: the endpoint for ``/`` and ``routes`` more routes (see :func:`create_app`)
    """
    import uvicorn

    app = create_app(settings, home=home, routes=routes)
    uvicorn.run(app, host=host, port=port, log_level="info")
