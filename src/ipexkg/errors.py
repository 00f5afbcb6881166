"""Errors: the base class of every error the package reports to a user without a traceback."""

from __future__ import annotations

__all__ = ["InputError", "IpexkgError", "OutputError"]


class IpexkgError(Exception):
    """An error caused by input (a file, a row, a parameter), explained by its message."""


class InputError(IpexkgError):
    """An input file that cannot be read: missing, empty, binary, unknown format or bad syntax."""


class OutputError(IpexkgError):
    """An output that cannot be written: a bad or busy folder, a full disk, an unwritable term."""
