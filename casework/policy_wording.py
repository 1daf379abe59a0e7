"""Whether the words of a policy (a rule's title, the policy's description) still state a number that changed,
and the same words with the new numbers where that is certain. Pure.

"4 or more occasions in 12 months" mentions 4 and 12, not 1 or 2; "1.5" is one number, not 1 and 5.
"""
from __future__ import annotations

import re


def number_words(number: int | float) -> str:
    """A policy number as it is written in words: 4, 2.5 (never 4.0)."""
    return f"{number:g}"


def _pattern(number: int | float) -> re.Pattern:
    return re.compile(r"(?<![\d.])" + re.escape(number_words(number)) + r"(?!\.?\d)")


def mentions(text: str, number: int | float) -> int:
    """How many times `text` states `number` as a number of its own."""
    return len(_pattern(number).findall(text))


def renumbered(text: str, changes: dict[int | float, int | float]) -> str | None:
    """`text` with each old number of `changes` ({old: new}) replaced by its new one, when each old number it
    mentions appears exactly once; None when that is not certain (an old number stated twice) or nothing
    changes."""
    stated = {old: new for old, new in changes.items() if mentions(text, old)}
    if not stated or any(mentions(text, old) != 1 for old in stated):
        return None
    words = {number_words(old): number_words(new) for old, new in stated.items()}
    either = re.compile(r"(?<![\d.])(" + "|".join(re.escape(old) for old in words) + r")(?!\.?\d)")
    return either.sub(lambda found: words[found.group(1)], text)
