"""The words the Users search matches the start of: a login's name and e-mail address, in lower case."""
from __future__ import annotations

import pytest

from documents.user import words_of


@pytest.mark.parametrize("name, email, words", [
    # the name's words, the address's words split at . @ _ + -, and the whole address
    ("Isabella Cook", "I.Cook@trust.nhs.uk",
     ["cook", "i", "i.cook@trust.nhs.uk", "isabella", "nhs", "trust", "uk"]),
    # a hyphenated surname gives each part, and a word given twice is kept once
    ("Ann Lee-Smith", "ann_lee+cb@lee.org", ["ann", "ann_lee+cb@lee.org", "cb", "lee", "org", "smith"]),
    # nothing known: no words
    (None, None, []),
])
def test_the_words_of_a_login(name, email, words):
    assert words_of(name, email) == words
