"""The XML inside an uploaded .docx, checked without trusting it: UTF-8 only (so every reader agrees on the
text), no DTD and so no entity of any kind (defusedxml's rules: `parse_small` is defusedxml itself, for
`[Content_Types].xml` and the `.rels` parts; `check_xml` is expat under the same rules, as a stream, for the
others), well-formed, and in the parts Word shows as text no field that fetches or runs something outside the
document (DDE, DDEAUTO, INCLUDEPICTURE, INCLUDETEXT, LINK …, or a field whose name another field makes).
Used by `casework.docx_package`. Pure.
"""
from __future__ import annotations

import re
from xml.etree.ElementTree import Element
from xml.parsers import expat

from defusedxml import DefusedXmlException, DTDForbidden
from defusedxml.ElementTree import ParseError, fromstring

# The parts Word shows as text, where fields live (the end of their content type, before "+xml").
STORIES = {"main+xml", "header+xml", "footer+xml", "footnotes+xml", "endnotes+xml", "comments+xml", "glossary+xml"}
MAX_DEPTH = 128
# Field codes that fetch or run something outside the document.
FORBIDDEN_FIELDS = {"DDE", "DDEAUTO", "INCLUDETEXT", "INCLUDEPICTURE", "INCLUDE", "IMPORT", "LINK", "DATABASE",
                    "MACROBUTTON"}


class DocxProblem(Exception):
    """Why a file is not a .docx Casebook accepts, in words for the person who uploaded it."""


def check_xml(name: str, data: bytes, content_type: str) -> None:
    """An XML part must be UTF-8, well-formed, without DTD or entities; the parts Word shows as text (body,
    headers, footers, notes, comments) must have no field that fetches or runs something. Parsed by expat as a
    stream of events, never held as a tree."""
    _utf8(name, data)
    parser = expat.ParserCreate()     # names as written ("w:instrText"): their local part is what counts
    for handler in ("StartDoctypeDeclHandler", "EntityDeclHandler", "UnparsedEntityDeclHandler",
                    "ExternalEntityRefHandler"):   # defusedxml's rules: no DTD, so no entity of any kind
        setattr(parser, handler, _forbidden)
    reader = _Fields(name) if content_type.lower().rsplit(".", 1)[-1] in STORIES else None
    if reader:     # the other parts (styles, themes …) are only parsed: expat alone is fast, handlers are not
        parser.StartElementHandler, parser.EndElementHandler = reader.start, reader.end
        parser.CharacterDataHandler = reader.data
    try:
        parser.Parse(data, True)
    except DTDForbidden:
        raise DocxProblem(f"The file's XML is not allowed (DTD or entities): {shown(name)}.") from None
    except expat.ExpatError:
        raise DocxProblem(f"The file is damaged: {shown(name)} is not well-formed XML; save it again in "
                          "Word.") from None
    if reader:
        reader.close()


def _forbidden(*_: object) -> None:
    raise DTDForbidden(None, None, None)


class _Fields:
    """Reads a story part's elements as they go by: refuses XML nested deeper than MAX_DEPTH (Word's own files
    nest a few dozen deep; python-docx's parser gives up at 256), and checks each field instruction,
    `w:fldSimple w:instr` and the `w:instrText` runs between a `w:fldChar` begin and its separate or end."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.depth = 0
        self.fields: list[list[str] | None] = []   # instructions of the fields open here (None once checked)
        self.text: list[str] | None = None

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise DocxProblem(f"The file is damaged: {shown(self.name)} nests its XML more than {MAX_DEPTH} deep; "
                              "save it again in Word.")
        local = local_name(tag)
        if local == "instrText":
            self.text = []
        elif local == "fldSimple":
            _check_field(attribute(attributes, "instr"))
        elif local == "fldChar":
            kind = attribute(attributes, "fldCharType")
            if kind == "begin":
                if self.fields and self.fields[-1] is not None and not "".join(self.fields[-1]).strip():
                    raise DocxProblem("The file has a field that fetches or runs something outside it (a field "
                                      "whose name another field makes); remove it and upload the file again.")
                self.fields.append([])
            elif kind in ("separate", "end") and self.fields:
                self._check_top()
                if kind == "end":
                    self.fields.pop()

    def data(self, text: str) -> None:
        if self.text is not None:
            self.text.append(text)

    def end(self, tag: str) -> None:
        self.depth -= 1
        if self.text is not None and local_name(tag) == "instrText":
            text, self.text = "".join(self.text), None
            top = self.fields[-1] if self.fields else None
            if top is not None:
                top.append(text)
            else:
                _check_field(text)

    def close(self) -> None:
        while self.fields:
            self._check_top()
            self.fields.pop()

    def _check_top(self) -> None:
        top = self.fields[-1]
        if top is not None:
            _check_field("".join(top))
        self.fields[-1] = None


def _check_field(instruction: str) -> None:
    words = instruction.replace('"', " ").split()
    if words and words[0].upper() in FORBIDDEN_FIELDS:
        raise DocxProblem(f"The file has a field that fetches or runs something outside it ({words[0].upper()}); "
                          "remove the field and upload the file again.")


def parse_small(name: str, xml: bytes) -> Element:
    """A small XML part (content types, relationships) as a tree, parsed with defusedxml."""
    _utf8(name, xml)
    try:
        return fromstring(xml, forbid_dtd=True)
    except DefusedXmlException:
        raise DocxProblem(f"The file's XML is not allowed (DTD or entities): {shown(name)}.") from None
    except ParseError:
        raise DocxProblem(f"The file is damaged: {shown(name)} is not well-formed XML; save it again in "
                          "Word.") from None


def _utf8(name: str, xml: bytes) -> None:
    """Word writes its XML in UTF-8: other encodings (declared or not) are refused, so every reader agrees."""
    declared = re.match(rb"(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)[\"']", xml)
    try:
        xml.decode("utf-8")
    except UnicodeDecodeError:
        declared = None
        ok = False
    else:
        ok = declared is None or declared.group(1).lower() == b"utf-8"
    if not ok:
        raise DocxProblem(f"The file's text is not UTF-8 ({shown(name)}); save it again in Word.")


def local_name(tag: object) -> str:
    """A tag's or attribute's local name: after its namespace ("{uri}name") or its prefix ("w:name")."""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1] if isinstance(tag, str) else ""


def attribute(element: Element | dict[str, str], name: str, default: str = "") -> str:
    """An attribute by its local name, whatever its namespace (every reader must see the same value)."""
    attributes = element if isinstance(element, dict) else element.attrib
    for key, value in attributes.items():
        if local_name(key) == name:
            return value
    return default


def shown(name: str) -> str:
    """A name as a message shows it: printable and short."""
    printable = "".join(char if char.isprintable() else "?" for char in name)
    return printable if len(printable) <= 80 else printable[:77] + "…"
