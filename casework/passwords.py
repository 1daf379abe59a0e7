"""What makes a password acceptable, after the NCSC's password guidance: long enough, not common or easily guessed
(zxcvbn's offline estimate, which knows the common and breached passwords of its lists, names, words, keyboard
patterns, repeats, sequences and dates), and not the person's own name or e-mail address. No rules about which
kinds of character it must hold, and no expiry: the guidance advises against both.
"""
from __future__ import annotations

import re
import threading

MIN_LENGTH = 12
MAX_LENGTH = 200        # a passphrase fits; a megabyte of text is not hashed
CHECKED_LENGTH = 72     # zxcvbn reads at most this much (its own limit): its time grows with the length
MIN_SCORE = 3           # zxcvbn's 0–4: 3 is "safely unguessable", over 10^8 guesses
MIN_PART = 4            # a part of a name or address shorter than this is not looked for ("Li", "Ann")
TOO_GUESSABLE = "This password is too easy to guess."
OWN_NAME = "Choose a password without your name or e-mail address in it."
_zxcvbn = threading.Lock()      # zxcvbn keeps the words it is given in a module global while it works


def password_problem(password: str, name: str = "", email: str = "") -> str | None:
    """Why `password` may not be chosen by the person called `name` with the address `email`, in one sentence or
    a few; None when it may."""
    if len(password) < MIN_LENGTH:
        return f"A password has at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"A password has at most {MAX_LENGTH} characters."
    parts = own_words(name, email)
    if any(part in _letters(password) for part in parts):
        return OWN_NAME
    from zxcvbn import zxcvbn  # its word lists (0.1 s) load when a password is chosen, not as a command starts
    with _zxcvbn:
        verdict = zxcvbn(password[:CHECKED_LENGTH], user_inputs=sorted(parts))
    if verdict["score"] >= MIN_SCORE:
        return None
    feedback = verdict["feedback"]
    advice = [line for line in (feedback["warning"], *feedback["suggestions"]) if line]
    return " ".join([TOO_GUESSABLE, *(advice or ["Add another word or two."])])


def own_words(name: str, email: str) -> set[str]:
    """The parts of a name and of an e-mail address's local part a password may not hold, lower-case letters and
    digits only: each part of at least MIN_PART characters, and the whole name and local part run together
    ("Ada Lovelace", "ada.l@trust.nhs.uk": "lovelace", "adalovelace", "adal")."""
    local = email.partition("@")[0]
    words = {part for text in (name, local) for part in re.split(r"[^0-9a-z]+", text.lower())}
    words |= {_letters(name), _letters(local)}
    return {word for word in words if len(word) >= MIN_PART}


def _letters(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", text.lower())
