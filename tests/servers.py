"""Real servers for the tests: started on a free loopback port, waited for, stopped by pid."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

__all__ = ["Listener", "free_port", "ipexkg_command", "start_server", "stop_server"]


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ipexkg_command(*args: str) -> list[str]:
    """Return the command line running ``ipexkg ARGS`` with this interpreter."""
    return [sys.executable, "-m", "ipexkg", *args]


def start_server(
    command: Sequence[str], ready_url: str, log: Path, *, wait: float = 180.0
) -> subprocess.Popen[bytes]:
    """Start ``command`` in its own process group and wait until ``ready_url`` answers 2xx."""
    handle = log.open("wb")
    process = subprocess.Popen(
        list(command), stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{command[0]} ended: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(ready_url, timeout=2).is_success:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    stop_server(process)
    raise RuntimeError(f"{command[0]} did not answer at {ready_url}: {log.read_text()[-2000:]}")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """Stop the server and the processes it started (its process group), by its pid."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=20)


class Listener:
    """A TCP listener on loopback that records every connection made to it."""

    def __init__(self) -> None:
        """Listen on a free port of 127.0.0.1 in a background thread."""
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen()
        self._sock.settimeout(0.2)
        self.port = int(self._sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        """Stop listening."""
        self._stop.set()
        self._thread.join()
        self._sock.close()
