"""The employee search's kept words and its filter, worked by hand."""
from __future__ import annotations

import pytest

from documents.search_words import search_filter, search_query, search_words_of, starting_with, whole_words_of


def test_every_prefix_of_every_word_is_kept_once():
    # Ann (a, an, ann), Lee (l, le, lee), A1-2 (a, a1, a1-, a1-2 whole; a, a1 and 2 as parts), Nurse (n … nurse)
    assert search_words_of("Ann", "Lee", "A1-2", "Nurse") == sorted(
        {"a", "an", "ann", "l", "le", "lee", "a1", "a1-", "a1-2", "2", "n", "nu", "nur", "nurs", "nurse"})


@pytest.mark.parametrize("first, last, number, title, asked, found", [
    ("Isabella", "Cook", "E0042", "Staff nurse", "isabella cook", True),
    ("Isabella", "Cook", "E0042", "Staff nurse", "Cook Isabella", True),     # either order
    ("Isabella", "Cook", "E0042", "Staff nurse", "isa co", True),            # partial words
    ("Isabella", "Cook", "E0042", "Staff nurse", "E004", True),              # the number's start
    ("Isabella", "Cook", "E0042", "Staff nurse", "nurse", True),             # the job title
    ("Isabella", "Cook", "E0042", "Staff nurse", "isabella smith", False),   # every word must match
    ("Isabella", "Cook", "E0042", "Staff nurse", "bella", False),            # a word's start, not its middle
    ("Mary-Jane", "O'Neil", "12345678-01", None, "oneil", False),            # O'Neil is two words: o, neil
    ("Mary-Jane", "O'Neil", "12345678-01", None, "jane neil", True),
    ("Mary-Jane", "O'Neil", "12345678-01", None, "12345678-01", True),       # the number whole: 12345678 and 01
])
def test_a_search_finds_someone_when_each_word_starts_one_of_theirs(first, last, number, title, asked, found):
    kept = set(search_words_of(first, last, number, title))
    words = search_query(asked) or ["—"]
    # the longest by the range of the whole words it starts (the index), every word on the copy of the prefixes
    by_index = any(word.startswith(max(words, key=len)) for word in whole_words_of(first, last, number, title))
    assert (by_index and set(words) <= kept) is found


def test_the_index_keeps_each_word_whole_once():
    # Ann, Lee, A1-2 (whole; a1 and 2 as parts), Nurse: 6 entries where every prefix made 15
    assert whole_words_of("Ann", "Lee", "A1-2", "Nurse") == ["2", "a1", "a1-2", "ann", "lee", "nurse"]
    assert whole_words_of(None, "", "  ", None) == []
    assert whole_words_of("A" * 40, "", "", "") == ["a" * 30]     # cut to LONGEST, as the search words are


@pytest.mark.parametrize("word, where", [
    ("cook", {"$gte": "cook", "$lt": "cool"}),      # k stepped on to l: every string starting "cook" is below
    ("a", {"$gte": "a", "$lt": "b"}),
    ("12345678-0", {"$gte": "12345678-0", "$lt": "12345678-1"}),
    ("zoë", {"$gte": "zoë", "$lt": "zoì"}),         # ë (U+00EB) stepped on to ì (U+00EC)
])
def test_the_range_of_the_words_a_word_starts(word, where):
    assert starting_with(word) == where


@pytest.mark.parametrize("text, where", [
    ("Cook", {"search_words": {"$gte": "cook", "$lt": "cool"}}),
    ("isa cook", {"search_words": {"$gte": "cook", "$lt": "cool"},      # the longest by the index
                  "search_words_again": {"$all": ["isa"]}}),
    ("a b c d e f g", {"search_words": {"$gte": "a", "$lt": "b"},
                       "search_words_again": {"$all": ["b", "c", "d", "e"]}}),   # the first five
    ("cook cook", {"search_words": {"$gte": "cook", "$lt": "cool"}}),
    (".*", None),                                    # only punctuation: no one
    ("   ", None),
])
def test_the_filter_reads_one_word_by_the_index_and_checks_the_others_beside_it(text, where):
    assert search_filter(text) == where
