"""Errors: the base class of every error the package reports to a user without a traceback."""

from __future__ import annotations

__all__ = ["InputError", "IpexkgError"]


class IpexkgError(Exception):
    """An error caused by input (a file, a row, a parameter), explained by its message."""


class InputError(IpexkgError):
    """An input file that cannot be read: missing, empty, binary, unknown format or bad syntax."""
