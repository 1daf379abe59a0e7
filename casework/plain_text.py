"""Text typed by a person or sent by another system that lands where a line break or a control character does
harm: a name on one line, an e-mail header, an e-mail address. Pure.
"""
from __future__ import annotations

import re
import unicodedata

BREAKING = frozenset({"Cc", "Zl", "Zp"})   # control characters (CR, LF, tab, NUL…), line and paragraph separators
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")  # they reorder what follows
ONE_LINE = "Write this on one line, without line breaks, tabs or control characters."
_ADDRESS = re.compile(r"[!-?A-~]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")   # printable ASCII, no space, one @, a dot
# The characters of BREAKING and BIDI_CONTROLS as one class (Cc is U+0000–001F and U+007F–009F; Zl U+2028, Zp U+2029),
# so a row check is one scan in C: an import checks about a dozen cells of each of 25,000 rows.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069]")


def unsafe_in_a_line(value: str) -> bool:
    """True when `value` holds a line break, a control character or one that reorders the text after it (a
    right-to-left override): none belongs in a name or a title shown on one line."""
    return _UNSAFE.search(value) is not None


def one_line(value: str) -> str:
    """`value` as one line for an e-mail header: each run of spaces, line breaks and control characters becomes
    one space, and the ends are trimmed."""
    return " ".join("".join(" " if unicodedata.category(character) in BREAKING else character
                            for character in value).split())


def mailable(address: str) -> bool:
    """True for an address an SMTP server can be given as it is: printable ASCII, no spaces, one @ and a
    domain with a dot."""
    return len(address) <= 254 and address.count("@") == 1 and _ADDRESS.fullmatch(address) is not None
