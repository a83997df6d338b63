"""Counts in the app's messages: "1 line", never "1 lines"."""

from __future__ import annotations


def count(n: int, noun: str, plural: str | None = None) -> str:
    """`n` and its noun, singular for exactly one (thousands grouped: "1,024 states")."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def them(n: int) -> str:
    """The pronoun for `n` things: "it" for one, else "them"."""
    return "it" if n == 1 else "them"
