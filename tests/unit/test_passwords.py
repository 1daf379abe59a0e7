"""The password policy (NCSC guidance): at least 12 characters, not easily guessed by zxcvbn's offline check, not
the person's own name or address; no composition rules."""
from __future__ import annotations

import pytest

from casework.passwords import MAX_LENGTH, OWN_NAME, TOO_GUESSABLE, own_words, password_problem

NAME, EMAIL = "Ada Lovelace", "ada.lovelace@trust.nhs.uk"
GUESSABLE = f"{TOO_GUESSABLE} "


@pytest.mark.parametrize("password, problem", [
    # length: 11 characters are one short; 12 are enough when not guessable; 201 are one too many
    ("elevenchars", "A password has at least 12 characters."),
    ("short pass", "A password has at least 12 characters."),                  # 10 characters
    ("twelve chars", None),                                                       # exactly 12, score 3
    ("x" * 201, f"A password has at most {MAX_LENGTH} characters."),
    # common or breached: zxcvbn's lists of passwords, whatever the capitals and digits added
    ("password1234", f"{GUESSABLE}This is a very common password. Add another word or two. Uncommon words are "
                     "better."),
    ("Password123!", f"{GUESSABLE}This is similar to a commonly used password. Add another word or two. Uncommon "
                     "words are better. Capitalization doesn't help very much."),
    ("iloveyou2024", f"{GUESSABLE}This is similar to a commonly used password. Add another word or two. Uncommon "
                     "words are better."),
    # keyboard walks, sequences, repeats
    ("qwertyuiopasdf", f"{GUESSABLE}This is similar to a commonly used password. Add another word or two. "
                       "Uncommon words are better."),
    ("abcdefghijklm", f"{GUESSABLE}Sequences like \"abc\" or \"6543\" are easy to guess. Add another word or two. "
                      "Uncommon words are better. Avoid sequences."),
    ("aaaaaaaaaaaa", f"{GUESSABLE}Repeats like \"aaa\" are easy to guess. Add another word or two. Uncommon words "
                     "are better. Avoid repeated words and characters."),
    ("monkey monkey monkey", f"{GUESSABLE}Repeats like \"abcabcabc\" are only slightly harder to guess than "
                             "\"abc\". Add another word or two. Uncommon words are better. Avoid repeated words "
                             "and characters."),
    # passphrases of ordinary words, lower case and spaces only: no composition rule refuses them
    ("correct horse battery staple", None),
    ("plum kettle orbit", None),
    ("a long and unusual passphrase", None),
    # the person's own name or address, in any case, with any separators
    ("lovelace river gate", OWN_NAME),                                           # the surname
    ("river-gate-ADA-LOVELACE", OWN_NAME),                                       # the whole name, run together
    ("x" * 188 + "adalovelace!", OWN_NAME),                                      # 200 characters: checked whole
])
def test_a_password_is_accepted_or_refused_with_the_reason(password, problem):
    assert password_problem(password, NAME, EMAIL) == problem


@pytest.mark.parametrize("name, email, words", [
    ("Ada Lovelace", "ada.l@trust.nhs.uk", {"lovelace", "adalovelace", "adal"}),   # "ada", "l": under 4
    ("Li Wei", "li.wei@example.org", {"liwei"}),                                   # only run together
    ("Zoë O'Neil-Smith", "zoe.oneil-smith@example.org",                              # ë is not a-z: "zo"
     {"neil", "smith", "zooneilsmith", "oneil", "zoeoneilsmith"}),
    ("", "", set()),                                                                 # a login with neither
])
def test_the_words_of_a_name_and_address_a_password_may_not_hold(name, email, words):
    assert own_words(name, email) == words


def test_the_same_password_is_accepted_for_someone_else():
    assert password_problem("lovelace river gate", "Priya Shah", "priya.shah@trust.nhs.uk") is None


def test_zxcvbn_reads_only_the_first_72_characters():
    """Its time grows with the length; 72 is its own limit. 72 repeats then a passphrase: judged on the repeats."""
    assert password_problem("a" * 72 + " correct horse battery staple").startswith(TOO_GUESSABLE)
    assert password_problem("correct horse battery staple " + "a" * 150) is None
