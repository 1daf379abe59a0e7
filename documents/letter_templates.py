"""Which Word template each letter uses: the latest version an admin uploaded, else the one shipped in
`letter_templates/`. (Template management — upload, versions, checks — builds on this.)"""
from __future__ import annotations

from pathlib import Path

from casework.letters import LETTERS, LetterProblem

SHIPPED = Path(__file__).resolve().parents[1] / "letter_templates"


def shipped_template(code: str) -> bytes:
    """The template shipped with Casebook for letter `code`."""
    path = SHIPPED / LETTERS[code].file
    if not path.exists():
        raise LetterProblem(f"There is no template for letter {code}: ask an administrator to upload one.")
    return path.read_bytes()


def template_bytes(code: str) -> bytes:
    """The template in use for letter `code`."""
    if code not in LETTERS:
        raise LetterProblem(f"Casebook has no letter {code}.")
    return shipped_template(code)
