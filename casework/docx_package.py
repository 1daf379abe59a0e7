"""Opening a Word .docx file that someone uploaded without trusting it, and keeping only what a letter needs.

A .docx is a zip of parts joined by relationships (`_rels/*.rels`) with their types in `[Content_Types].xml`.
`open_docx` looks at the zip's directory before it unpacks anything (how many parts, their names, the sizes
they declare, how tightly each is packed), then reads only the parts reached from the package's relationships,
each with a cap however its header lies, and checks every XML part under defusedxml's rules (no DTD, no
entities, UTF-8, well-formed: `casework.docx_xml`). It refuses, saying why: macros however they are named or
typed, ActiveX controls, OLE objects and embedded files, attached templates, anything outside the file
(TargetMode="External"), sub-documents, imported HTML and other kinds of part a letter has no use for, pictures
that are not plain images, fields that fetch or run something (DDE, INCLUDEPICTURE …). `Package.rebuilt()` is
the file made again from those parts alone, with its content types and relationships written afresh: that is
what Casebook stores and renders. Pure: bytes in, bytes or a refusal out.
"""
from __future__ import annotations

import dataclasses
import io
import posixpath
import struct
import zipfile
import zlib
from collections import deque
from xml.sax.saxutils import quoteattr

from casework.docx_xml import DocxProblem, attribute, check_xml, local_name, parse_small, shown

MB = 1024 * 1024
MAX_BYTES = 5 * MB          # the file as uploaded
MAX_PARTS = 1000            # entries in the zip's directory
MAX_UNPACKED = 50 * MB      # what every entry together says it unpacks to
MAX_XML_PART = 10 * MB      # one XML part, unpacked
MAX_RATIO = 100             # unpacked to packed, for an entry larger than RATIO_FROM unpacked
RATIO_FROM = 256 * 1024
CHUNK = 64 * 1024

DOCUMENT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
TEMPLATE_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
RELS_TYPE = "application/vnd.openxmlformats-package.relationships+xml"
TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"

MACROS = "The file contains macros; save it as a Word Document (.docx) without macros."
NOT_DOCX = "This is not a Word .docx file."
# Words in a part's name, content type or relationship type (lower case) that refuse the file, and why.
MACRO_WORDS = ("vbaproject", "vbadata", "macroenabled", "keymapcustomizations", "attachedtoolbars")
ACTIVEX_IN, ACTIVEX_END = ("activex",), "/control"
OLE_IN, OLE_END = ("oleobject", "embeddings/"), "/package"
# The kinds of relationship a letter may hold (the last part of its Type, lower case): Word's own parts.
ALLOWED_RELATIONSHIPS = {
    "officedocument", "core-properties", "extended-properties", "custom-properties", "thumbnail", "styles",
    "styleswitheffects", "settings", "websettings", "fonttable", "theme", "numbering", "footnotes", "endnotes",
    "header", "footer", "image", "hdphoto", "font", "comments", "commentsextended", "commentsids",
    "commentsextensible", "people", "documenttasks", "intelligence", "customxml", "customxmlprops",
    "glossarydocument", "classificationlabels",
    "diagramdata", "diagramlayout", "diagramquickstyle", "diagramcolors", "diagramdrawing"}
# The binary parts a letter may hold, by relationship: plain pictures and Word's embedded fonts.
PICTURES = {"png", "jpg", "jpeg", "jpe", "gif", "bmp", "dib", "tif", "tiff", "emf", "wmf", "wdp"}
BINARY = {"image": PICTURES, "hdphoto": PICTURES, "thumbnail": PICTURES, "font": {"odttf"}}
NOT_IN_NAMES = set('\\:*?"<>|')


@dataclasses.dataclass(frozen=True)
class Relationship:
    """One relationship of a part: its id, kind (the Type's last part, lower case), Type and target part."""

    id: str
    kind: str
    type: str
    target: str


@dataclasses.dataclass
class Package:
    """The parts of a .docx reached from its relationships, each with its content type and relationships."""

    parts: dict[str, bytes]
    types: dict[str, str]
    relationships: dict[str, list[Relationship]]    # "" for the package's own (_rels/.rels)
    main: str

    def rebuilt(self, packed: bool = True) -> bytes:
        """The file made again from these parts alone, with content types and relationships written afresh
        (deflated to be stored, or not `packed` to be opened at once)."""
        out = io.BytesIO()
        method = zipfile.ZIP_DEFLATED if packed else zipfile.ZIP_STORED
        with zipfile.ZipFile(out, "w") as package:
            _put(package, "[Content_Types].xml", _types_xml(self.types), method)
            for source in ["", *self.parts]:
                if source:
                    _put(package, source, self.parts[source], method)
                if self.relationships.get(source):
                    _put(package, _rels_name(source), _rels_xml(source, self.relationships[source]), method)
        return out.getvalue()


def docx_problems(data: bytes) -> list[str]:
    """Why `data` is not a .docx Casebook accepts, in words (empty when it is)."""
    try:
        open_docx(data)
    except DocxProblem as problem:
        return [str(problem)]
    return []


def clean_docx(data: bytes) -> bytes:
    """`data` made again from the parts a letter may hold (DocxProblem when it cannot be accepted)."""
    return open_docx(data).rebuilt()


def open_docx(data: bytes) -> Package:
    """The package in `data`, read within the caps and checked part by part; DocxProblem says why not."""
    if len(data) > MAX_BYTES:
        raise DocxProblem(f"The file is larger than {MAX_BYTES // MB} MB.")
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OverflowError, NotImplementedError,
            struct.error):
        raise DocxProblem(NOT_DOCX) from None
    with package:
        entries = _directory(package)
        types = _content_types(_read(package, entries, "[Content_Types].xml", required=True))
        return _walk(package, entries, types)


def _directory(package: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The zip's entries by name, refused before anything is unpacked when the directory itself is hostile."""
    infos = package.infolist()
    if len(infos) > MAX_PARTS:
        raise DocxProblem(f"The file holds more than {MAX_PARTS:,} parts, which no letter needs; Casebook does not "
                          "open it.")
    declared = sum(info.file_size for info in infos)
    if declared > MAX_UNPACKED:
        raise DocxProblem(f"The file would unpack to more than {MAX_UNPACKED // MB} MB (it says "
                          f"{_mb(declared)}), which no letter needs; Casebook does not open it.")
    entries: dict[str, zipfile.ZipInfo] = {}
    seen: set[str] = set()
    for info in infos:
        name = info.orig_filename
        if not _allowed_name(name):
            raise DocxProblem(f"The file has a part whose name is not allowed ({shown(name)}); save it again in "
                              "Word.")
        if name.lower() in seen:
            raise DocxProblem(f"The file holds two parts named {shown(name)}; save it again in Word.")
        seen.add(name.lower())
        if info.flag_bits & 0x1:
            raise DocxProblem("The file is password-protected or encrypted; remove the password in Word and upload "
                              "it again.")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise DocxProblem(f"The file is packed in a way Word does not use ({shown(name)}); save it again in "
                              "Word.")
        if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise DocxProblem(f"The file unpacks to far more than its size ({shown(name)}: "
                              f"{_mb(info.file_size)} from {_mb(info.compress_size)}), as a 'zip bomb' does; "
                              "Casebook does not open it.")
        _refuse_words(name.lower(), name)
        entries[name] = info
    return entries


def _allowed_name(name: str) -> bool:
    """A part name as Word writes it: relative, forward slashes, no '..', no control characters or drive."""
    segments = name.removesuffix("/").split("/")      # a folder entry ("word/") is harmless
    return (bool(name) and not any(ord(char) < 32 or char in NOT_IN_NAMES for char in name)
            and not any(segment in ("", ".", "..") for segment in segments))


def _read(package: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo], name: str, required: bool = False,
          xml: bool = True) -> bytes:
    """The bytes of part `name`, read in chunks and never past its declared size or the caps (an XML part
    larger than MAX_XML_PART is refused before it is read)."""
    info = entries.get(name)
    if info is None:
        if required:
            raise DocxProblem(NOT_DOCX)
        return b""
    if xml and info.file_size > MAX_XML_PART:
        raise DocxProblem(f"The file's {shown(name)} is larger than {MAX_XML_PART // MB} MB, which no letter "
                          "needs; Casebook does not open it.")
    cap = min(info.file_size, MAX_UNPACKED)
    chunks, total = [], 0
    try:
        with package.open(info) as member:
            while chunk := member.read(CHUNK):
                total += len(chunk)
                if total > cap:
                    raise DocxProblem(f"The file is damaged: {shown(name)} holds more than its directory says; "
                                      "save it again in Word.")
                chunks.append(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError, ValueError):
        raise DocxProblem(f"The file is damaged ({shown(name)} cannot be read); save it again in Word.") from None
    return b"".join(chunks)


def _content_types(xml: bytes) -> dict[str, str]:
    """[Content_Types].xml as {"/part/name" or "*.ext" (lower case): content type}, refused for what it types."""
    types: dict[str, str] = {}
    for element in parse_small("[Content_Types].xml", xml).iter():
        tag = local_name(element.tag)
        if tag not in ("Default", "Override"):
            continue
        kind = attribute(element, "ContentType")
        key = ("*." + attribute(element, "Extension")) if tag == "Default" else attribute(element, "PartName")
        _refuse_words(kind.lower(), key)
        types[key.lower()] = kind
    return types


def _walk(package: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo], types: dict[str, str]) -> Package:
    """Follow the relationships from the package's own, reading and checking each part they reach once."""
    found = Package(parts={}, types={}, relationships={}, main="")
    queue: deque[str] = deque([""])
    while queue:
        source = queue.popleft()
        rels = _read(package, entries, _rels_name(source), required=not source)
        relationships = _relationships(source, rels) if rels else []
        found.relationships[source] = relationships
        for relationship in relationships:
            if relationship.kind == "officedocument" and not source:
                if found.main:
                    raise DocxProblem("The file is damaged: it has two main documents; save it again in Word.")
                found.main = relationship.target
            if relationship.target in found.parts:
                continue
            if relationship.target == "[Content_Types].xml" or relationship.target.lower().endswith(".rels"):
                raise DocxProblem("The file is damaged: a relationship points at the package's own lists; save it "
                                  "again in Word.")
            if relationship.target not in entries:
                if relationship.kind == "officedocument":
                    raise DocxProblem(NOT_DOCX)
                raise DocxProblem(f"The file is damaged: it refers to {shown(relationship.target)}, which it does "
                                  "not hold; save it again in Word.")
            found.types[relationship.target] = _type_of(relationship.target, types)
            found.parts[relationship.target] = _part(package, entries, relationship, found.types)
            queue.append(relationship.target)
    reached = {_rels_name(source) for source in found.relationships}
    for name in entries:    # a .rels nothing reaches is dropped, but what it holds must be allowed all the same
        if name.lower().endswith(".rels") and _rels_name(_source_of(name)) not in reached:
            _relationships(_source_of(name), _read(package, entries, name))
    main_type = found.types.get(found.main, "").lower()
    if main_type == TEMPLATE_MAIN:
        raise DocxProblem("This is a Word template (.dotx); save it as a Word Document (.docx).")
    if main_type != DOCUMENT_MAIN:
        raise DocxProblem(NOT_DOCX)
    found.types = {"*.rels": RELS_TYPE, "*.xml": "application/xml", **found.types}
    return found


def _part(package: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo], relationship: Relationship,
          types: dict[str, str]) -> bytes:
    """One part a relationship reaches: a plain picture or font, or XML that parses safely."""
    name = relationship.target
    if relationship.kind in BINARY:
        if name.rsplit(".", 1)[-1].lower() in BINARY[relationship.kind]:
            return _read(package, entries, name, xml=False)
        if relationship.kind == "font":
            raise DocxProblem(f"The file holds a font Casebook does not accept ({shown(name)}); save it in Word "
                              "without embedding fonts.")
        raise DocxProblem(f"The file holds a picture Casebook does not accept ({shown(name)}): use PNG, JPEG, GIF, "
                          "BMP, TIFF, EMF or WMF pictures.")
    if not types[name].lower().endswith("xml"):
        raise DocxProblem(f"The file holds something Casebook does not accept ({_kind_shown(relationship.type)}: "
                          f"{shown(name)}); remove it and upload the file again.")
    data = _read(package, entries, name)
    check_xml(name, data, types[name])
    return data


def _relationships(source: str, xml: bytes) -> list[Relationship]:
    """A .rels part's relationships, every one of them checked: nothing outside the file, no macros, ActiveX,
    OLE objects, attached templates or other kinds of part a letter has no use for."""
    found = []
    folder = posixpath.dirname(source)
    for element in parse_small(_rels_name(source), xml).iter():
        if local_name(element.tag) != "Relationship":
            continue
        kind_type, target = attribute(element, "Type"), attribute(element, "Target")
        if not (kind_type and target and attribute(element, "Id")):
            raise DocxProblem(f"The file is damaged: a relationship in {shown(_rels_name(source))} lacks its Id, "
                              "Type or Target; save it again in Word.")
        kind = _kind_shown(kind_type).lower()
        external = attribute(element, "TargetMode", "Internal").lower() != "internal"
        resolved = target if external else posixpath.normpath(posixpath.join("/" + folder, target)).lstrip("/")
        _refuse_words(kind_type.lower(), resolved)
        if kind == "attachedtemplate":
            raise DocxProblem(f"The file is attached to a template ({shown(resolved)}); copy its contents into a "
                              "new blank Word document and upload that.")
        if external:
            what = {"image": "a picture linked from", "hyperlink": "a hyperlink to"}.get(kind, "a link to")
            raise DocxProblem(f"The file links to something outside itself ({what} {shown(target)}); Casebook "
                              "accepts only files that hold everything they show: remove the link and upload it again.")
        if kind not in ALLOWED_RELATIONSHIPS:
            raise DocxProblem(f"The file holds something Casebook does not accept ({_kind_shown(kind_type)}: "
                              f"{shown(resolved)}); remove it and upload the file again.")
        found.append(Relationship(attribute(element, "Id"), kind, kind_type, resolved))
    return found


def _refuse_words(lowered: str, name: str) -> None:
    """Refuse a part name, content type or relationship type that names macros, ActiveX or OLE objects."""
    if any(word in lowered for word in MACRO_WORDS):
        raise DocxProblem(MACROS)
    if any(word in lowered for word in ACTIVEX_IN) or lowered.endswith(ACTIVEX_END):
        raise DocxProblem(f"The file contains ActiveX controls ({shown(name)}); remove them and upload it again.")
    if any(word in lowered for word in OLE_IN) or lowered.endswith(OLE_END):
        raise DocxProblem(f"The file contains an embedded object or file ({shown(name)}); remove it and upload "
                          "the file again.")


def _type_of(name: str, types: dict[str, str]) -> str:
    found = types.get("/" + name.lower()) or types.get("*." + name.rsplit(".", 1)[-1].lower())
    if not found:
        raise DocxProblem(f"The file is damaged: {shown(name)} has no content type; save it again in Word.")
    return found


def _source_of(rels: str) -> str:
    """The part a .rels part belongs to: word/_rels/document.xml.rels → word/document.xml, _rels/.rels → ""."""
    folder, name = posixpath.split(rels)
    return posixpath.join(posixpath.dirname(folder), name.removesuffix(".rels"))


def _rels_name(source: str) -> str:
    folder, name = posixpath.split(source)
    return posixpath.join(folder, "_rels", name + ".rels")


def _types_xml(types: dict[str, str]) -> bytes:
    entries = "".join(f"<Default Extension={quoteattr(key[2:])} ContentType={quoteattr(kind)}/>"
                      for key, kind in types.items() if key.startswith("*."))
    entries += "".join(f"<Override PartName={quoteattr('/' + name)} ContentType={quoteattr(kind)}/>"
                       for name, kind in types.items() if not name.startswith("*."))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="{TYPES_NS}">{entries}'
            "</Types>").encode()


def _rels_xml(source: str, relationships: list[Relationship]) -> bytes:
    folder = posixpath.dirname(source)
    entries = "".join(f"<Relationship Id={quoteattr(rel.id)} Type={quoteattr(rel.type)} "
                      f"Target={quoteattr(posixpath.relpath('/' + rel.target, '/' + folder))}/>"
                      for rel in relationships)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{RELS_NS}">{entries}'
            "</Relationships>").encode()


def _put(package: zipfile.ZipFile, name: str, data: bytes, method: int) -> None:
    package.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data, method)


def _kind_shown(kind_type: str) -> str:
    """A relationship's kind as its Type names it: the last part ('subDocument', 'attachedTemplate')."""
    return kind_type.rstrip("/").rsplit("/", 1)[-1]


def _mb(size: int) -> str:
    return f"{size / MB:.1f} MB" if size >= MB else f"{max(size // 1024, 1)} KB"
