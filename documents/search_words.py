"""The words the employee search finds someone by, kept on the employee so that a search is a range read of one
indexed array, not a regular expression over every employee in scope: each word of the first and last names and of
the job title, and the assignment number whole and in its parts, lower case (`Employee.search_words`, indexed:
"Isabella Cook", 12345678-01 → isabella, cook, 12345678, 01, 12345678-01), and every prefix of each in an unindexed
copy (`search_words_again`: i, is, …, isabella, c, co, …), so that "isa coo", "cook isabella" and "1234" all find
her: the longest word asked by the range of the indexed words it starts, the others by equality on the copy."""
from __future__ import annotations

import re

SEPARATORS = re.compile(r"[\W_]+")    # anything but a letter or a digit
LONGEST = 30          # a word's prefixes are kept up to this length (a longer search word is cut to it)
MOST_WORDS = 5        # the search's words used (each must start one of the person's words)
SEARCHED_FIELDS = ("first_name", "last_name", "assignment_number", "job_title")


def words_in(text: str | None) -> list[str]:
    """The lower-case words of `text`, split at spaces and punctuation."""
    return [word for word in SEPARATORS.split((text or "").lower()) if word]


def whole_words_of(first_name: str | None, last_name: str | None, assignment_number: str | None,
                   job_title: str | None) -> list[str]:
    """Every word an employee is found by (the assignment number also whole), each cut to LONGEST, once each,
    sorted: what the `search_words` index keeps (issue 18: every prefix made the index ~50 entries an employee,
    which the embedded database rewrites on every write to the employee, two thirds of an import's insert)."""
    number = (assignment_number or "").strip().lower()
    words = {*words_in(first_name), *words_in(last_name), *words_in(job_title), *words_in(number)}
    if number:
        words.add(number)
    return sorted({word[:LONGEST] for word in words})


def search_words_of(first_name: str | None, last_name: str | None, assignment_number: str | None,
                    job_title: str | None) -> list[str]:
    """Every prefix of every word an employee is found by, once each, sorted: the unindexed copy the search's
    other words are checked on."""
    return sorted({word[:length] for word in whole_words_of(first_name, last_name, assignment_number, job_title)
                   for length in range(1, len(word) + 1)})


def starting_with(word: str) -> dict:
    """The range of the strings that start with `word` (the next string after every one of them: its last
    character stepped on; UTF-8 keeps the order of the characters)."""
    return {"$gte": word, "$lt": word[:-1] + chr(ord(word[-1]) + 1)}


def search_query(text: str) -> list[str] | None:
    """The words a search for `text` asks for, each of which must start one of a person's words (each cut to
    LONGEST; the first MOST_WORDS; "12345678-01" asks for 12345678 and 01); None when it has none (only
    punctuation: it finds no one)."""
    asked = list(dict.fromkeys(word[:LONGEST] for word in words_in(text)))[:MOST_WORDS]
    return asked or None


def search_filter(text: str) -> dict | None:
    """The raw filter of the employees a search for `text` finds: its longest word (the fewest people) as the
    range of the words it starts on the `search_words` index, its other words checked on the unindexed copy of
    every prefix; None when it asks for nothing. (An employee stored before the index kept whole words has every
    prefix there: the same range finds them.)"""
    asked = search_query(text)
    if asked is None:
        return None
    found = max(asked, key=len)
    others = [word for word in asked if word != found]
    return {"search_words": starting_with(found), **({"search_words_again": {"$all": others}} if others else {})}
