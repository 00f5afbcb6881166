"""The web server: a read-only SPARQL 1.1 endpoint with the stored queries as an HTTP API.

:func:`create_app` returns the ASGI application (Starlette); :func:`serve` runs it with uvicorn.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.routing import BaseRoute

from ipexkg.web.app import Endpoint, Settings, create_app

__all__ = ["Settings", "check_address", "create_app", "serve"]


def check_address(host: str, port: int) -> None:
    """Check that this process may listen on ``host:port`` (free, and a local address).

    Uvicorn reports a busy port or an unknown host only after the workers have started, and
    then stops with an exit status that says nothing of the cause.

    :raises OutputError: naming the address and the system's reason
    """
    import socket

    from ipexkg.errors import OutputError

    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
            probe.bind(address)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise OutputError(f"cannot serve on {host}:{port}: {reason}") from None


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
