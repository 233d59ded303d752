"""Errors every layer may raise and the request layer knows how to answer."""

from __future__ import annotations


class ConflictError(Exception):
    """Someone else saved this record since it was loaded: the save is refused, not merged."""
