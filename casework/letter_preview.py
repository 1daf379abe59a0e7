"""A letter Casebook made, as a page shows it: the body's paragraphs and tables as plain text, in order. Read with
defusedxml (the letter is Casebook's own, made in the sandbox from a checked template; it is read as safely
anyway). Pure.
"""
from __future__ import annotations

import dataclasses
import io
import zipfile
from xml.etree.ElementTree import Element

from casework.docx_xml import local_name, parse_small


@dataclasses.dataclass(frozen=True)
class Block:
    """A paragraph (`text`) or a table (`rows` of cell texts) of the letter's body."""

    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()


def letter_blocks(letter: bytes) -> list[Block]:
    """The body of `letter` (a .docx) as paragraphs and tables, in order; empty paragraphs are left out."""
    with zipfile.ZipFile(io.BytesIO(letter)) as package:
        root = parse_small("word/document.xml", package.read("word/document.xml"))
    body = next((child for child in root if local_name(child.tag) == "body"), None)
    blocks = []
    for child in body if body is not None else ():
        kind = local_name(child.tag)
        if kind == "p" and _text(child).strip():
            blocks.append(Block(text=_text(child)))
        elif kind == "tbl":
            rows = tuple(tuple(_text(cell) for cell in row if local_name(cell.tag) == "tc")
                         for row in child if local_name(row.tag) == "tr")
            blocks.append(Block(rows=rows))
    return blocks


def _text(element: Element) -> str:
    """The text of a paragraph or a cell: its runs' text, a tab as a space, a line break as a new line."""
    parts = []
    for node in element.iter():
        name = local_name(node.tag)
        if name == "t":
            parts.append(node.text or "")
        elif name == "tab":
            parts.append(" ")
        elif name in ("br", "cr") or name == "p" and node is not element and parts:
            parts.append("\n")
    return "".join(parts).strip()
