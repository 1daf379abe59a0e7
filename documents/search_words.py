"""The words the employee search finds someone by, kept on the employee (`Employee.search_words`) so that a search is
an equality read of one indexed array, not a regular expression over every employee in scope: each word of the first
and last names and of the job title, and the assignment number whole and in its parts, lower case, with every
prefix of each ("Isabella Cook", 12345678-01 → i, is, …, isabella, c, co, coo, cook, 1, 12, …, 12345678-01, …), so
that "isa coo", "cook isabella" and "1234" all find her."""
from __future__ import annotations

import re

SEPARATORS = re.compile(r"[\W_]+")    # anything but a letter or a digit
LONGEST = 30          # a word's prefixes are kept up to this length (a longer search word is cut to it)
MOST_WORDS = 5        # the search's words used (each must start one of the person's words)
SEARCHED_FIELDS = ("first_name", "last_name", "assignment_number", "job_title")


def words_in(text: str | None) -> list[str]:
    """The lower-case words of `text`, split at spaces and punctuation."""
    return [word for word in SEPARATORS.split((text or "").lower()) if word]


def search_words_of(first_name: str | None, last_name: str | None, assignment_number: str | None,
                    job_title: str | None) -> list[str]:
    """Every prefix of every word an employee is found by, once each, sorted."""
    number = (assignment_number or "").strip().lower()
    words = {*words_in(first_name), *words_in(last_name), *words_in(job_title), *words_in(number)}
    if number:
        words.add(number)
    return sorted({word[:length] for word in words for length in range(1, min(len(word), LONGEST) + 1)})


def search_query(text: str) -> list[str] | None:
    """The words a search for `text` asks for, each of which must start one of a person's words (each cut to
    LONGEST; the first MOST_WORDS; "12345678-01" asks for 12345678 and 01); None when it has none (only
    punctuation: it finds no one)."""
    asked = list(dict.fromkeys(word[:LONGEST] for word in words_in(text)))[:MOST_WORDS]
    return asked or None


def search_filter(text: str) -> dict | None:
    """The raw filter of the employees a search for `text` finds: its longest word by the `search_words` index (the
    fewest people), its other words checked on the unindexed copy; None when it asks for nothing."""
    asked = search_query(text)
    if asked is None:
        return None
    found = max(asked, key=len)
    others = [word for word in asked if word != found]
    return {"search_words": found, **({"search_words_again": {"$all": others}} if others else {})}
