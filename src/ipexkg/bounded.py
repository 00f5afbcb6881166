"""Bounded: run a function in a child process and stop it when it runs past a time limit.

Neither rdflib nor Oxigraph can interrupt a running query from Python, so a runaway query (a
cross product of the whole graph) is stopped the only way that always works: it runs in a forked
child, which is killed at the deadline. The child's answer (or its error) comes back over a pipe.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import TypeVar

from ipexkg.errors import IpexkgError

__all__ = ["TimeLimitError", "run_bounded"]

T = TypeVar("T")


class TimeLimitError(IpexkgError):
    """The work ran past its time limit and was stopped."""


def _child(work: Callable[[], object], conn: Connection) -> None:
    try:
        answer: tuple[str, object] = ("ok", work())
    except IpexkgError as exc:
        answer = ("input", str(exc))
    except BaseException as exc:  # reported to the parent, which re-raises it
        answer = ("bug", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")
    conn.send(answer)
    conn.close()


def run_bounded(work: Callable[[], T], seconds: float, what: str) -> T:
    """Return ``work()``, computed in a forked child process killed after ``seconds``.

    :param seconds: the time limit; 0 or less runs ``work`` here, without a limit
    :param what: what the work is, for the message (``the query``)
    :raises TimeLimitError: when the limit is reached (the child is killed)
    :raises IpexkgError: with the child's message, when ``work`` raised one
    :raises RuntimeError: when ``work`` failed unexpectedly (with the child's traceback)
    """
    if seconds <= 0:
        return work()
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(work, send), daemon=True)
    process.start()
    send.close()
    try:
        if not receive.poll(seconds):
            raise TimeLimitError(
                f"{what} ran longer than {seconds:g} s and was stopped; raise --timeout "
                "(0: no limit) or narrow it"
            )
        try:
            kind, payload = receive.recv()
        except EOFError:
            raise RuntimeError(f"{what} ended without an answer ({process.exitcode})") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receive.close()
    if kind == "input":
        raise IpexkgError(str(payload))
    if kind == "bug":
        raise RuntimeError(str(payload))
    return payload  # type: ignore[no-any-return]
