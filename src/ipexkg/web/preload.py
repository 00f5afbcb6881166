"""Imported by the workers' fork server: the engine and the parsed catalogue, ready to fork."""

from __future__ import annotations

from ipexkg.queries import catalogue
from ipexkg.web import workers

__all__ = ["workers"]

catalogue()
