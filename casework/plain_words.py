"""Words a page shows for the policy's shorthand: stage names in title case, and the codes of the trust's
checklists, forms and letters ("checklist A4", "letter C3") explained. Pure.
"""
from __future__ import annotations

import re

from casework.checklists import CHECKLISTS
from casework.letters import LETTERS

SMALL_WORDS = frozenset({"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"})
# A1 is the policy's own checklist for keeping in touch; it has no notes form in Casebook.
OWN_WORDS = {"A1": "checklist for keeping in regular contact with an employee on long-term sickness absence"}
CODE = re.compile(r"\b([ABC][0-9]{1,2})\b")


def title_case(title: str) -> str:
    """A stage name as a heading is written: each word capitalised but the small ones inside it, words with a
    capital or a digit left as they are ("1st formal absence review meeting" → "1st Formal Absence Review
    Meeting"; "Stage 3 attendance hearing (long-term)" → "Stage 3 Attendance Hearing (Long-Term)")."""
    words = title.split(" ")
    return " ".join(_capitalised(word) if index == 0 or word.lower() not in SMALL_WORDS else word.lower()
                    for index, word in enumerate(words))


def with_stage_name(text: str, stage_title: str) -> str:
    """`text` (a task's title the policy gives) with the stage's name in it, in whatever case, written in title
    case and the rest as it is ("Hold the 1st formal absence review meeting (checklist A5)" → "Hold the 1st Formal
    Absence Review Meeting (checklist A5)")."""
    if not stage_title.strip():
        return text
    name = re.compile(rf"(?<!\w){re.escape(stage_title)}(?!\w)", re.IGNORECASE)
    return name.sub(lambda _: title_case(stage_title), text)


def _capitalised(word: str) -> str:
    return "-".join(part if not part or any(c.isdigit() or c.isupper() for c in part) else _first_up(part)
                    for part in word.split("-"))


def _first_up(part: str) -> str:
    at = next((index for index, character in enumerate(part) if character.isalpha()), None)
    return part if at is None else part[:at] + part[at].upper() + part[at + 1:]


def code_words(code: str) -> str | None:
    """What a checklist, form or letter code stands for, in words, a checklist's meeting named in title case as
    pages write a stage ("checklist for the 1st Formal Absence Review Meeting"); None for a code Casebook does not
    know, or one that is not the policy's (the case conference's notes form, "CC")."""
    if not CODE.fullmatch(code):
        return None
    checklists = {checklist.code: checklist.title for checklist in CHECKLISTS.values()}
    if code in OWN_WORDS:
        return OWN_WORDS[code]
    if code in checklists:
        return f"checklist for the {title_case(checklists[code])}"
    if code in LETTERS:
        title = LETTERS[code].title.removeprefix(f"{code} ")
        kind = "form" if code.startswith("B") else "letter"
        return f"the {kind} “{title}”"
    return None


def codes_in(text: str) -> list[tuple[str, str]]:
    """Each code `text` mentions that Casebook knows, once, in order, with its words."""
    found: dict[str, str] = {}
    for code in CODE.findall(text):
        words = code_words(code)
        if words and code not in found:
            found[code] = words
    return list(found.items())


def glossary() -> list[tuple[str, str]]:
    """Every checklist, form and letter code Casebook knows, with its words: A1 to A9, then B, then C1 to C11."""
    codes = {*OWN_WORDS, *(checklist.code for checklist in CHECKLISTS.values()), *LETTERS}
    known = [code for code in codes if code_words(code)]
    return [(code, code_words(code) or "") for code in sorted(known, key=lambda code: (code[0], int(code[1:])))]
