"""The web server: a read-only SPARQL 1.1 endpoint with the stored queries as an HTTP API.

:func:`create_app` returns the ASGI application (Starlette); :func:`serve` runs it with uvicorn.
"""

from __future__ import annotations

from ipexkg.web.app import Settings, create_app

__all__ = ["Settings", "create_app", "serve"]


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the store of ``settings`` on ``host:port`` until interrupted (uvicorn)."""
    import uvicorn

    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
