"""Opening an uploaded .docx without trusting it (casework.docx_package): every hostile file of
tests/hostile_docx.py refused with its reason; a zip bomb refused from its directory before anything is
unpacked, and a directory that lies read no further than it says; good files (python-docx's, the shipped
templates, one with what Word's own files hold) accepted and made again from the parts they need, the same
each time, with stray parts dropped."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from docx import Document

from casework.docx_package import MAX_UNPACKED, clean_docx, docx_problems, open_docx
from tests import hostile_docx
from tests.hostile_docx import BASE, MB, corpus, lying_sizes, streamed_document, with_entries, word_like

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "letter_templates").glob("*.docx"))
# The hostile files are made when a test first asks for them (`corpus` keeps them), never while the suite is
# collected: packing the zip bombs takes seconds, which every test process paid when they were made at import.


def test_every_hostile_file_is_refused_with_its_reason():
    wrong = [(what, problems) for what, data, reason in corpus()
             if len(problems := docx_problems(data)) != 1 or not problems[0].startswith(reason)]
    assert wrong == []


def test_the_corpus_covers_every_kind_of_hostile_file():
    reasons = {reason for _, _, reason in corpus()}
    assert {hostile_docx.BOMB, hostile_docx.RATIO, hostile_docx.MACROS, hostile_docx.EXTERNAL, hostile_docx.DTD,
            hostile_docx.NOT_UTF8, hostile_docx.NAME, hostile_docx.FIELD, hostile_docx.DAMAGED} <= reasons
    assert len(corpus()) >= 60


@pytest.mark.parametrize("size, reason", [
    (300 * MB, "The file would unpack to more than 50 MB (it says 300.8 MB)"),
    (40 * MB, "The file unpacks to far more than its size (word/document.xml: 40.0 MB from"),
])
def test_a_zip_bomb_is_refused_from_its_directory_before_anything_is_unpacked(monkeypatch, size, reason):
    bomb = streamed_document(size)
    assert len(bomb) < 400 * 1024

    def no_reading(*args, **kwargs):
        raise AssertionError("a part was opened")
    monkeypatch.setattr(zipfile.ZipFile, "open", no_reading)
    assert docx_problems(bomb)[0].startswith(reason)


def test_a_directory_that_lies_about_a_size_is_read_no_further_than_it_says(monkeypatch):
    lying = lying_sizes(streamed_document(20 * MB), "word/document.xml", 4096)
    unpacked = []
    real_read = zipfile.ZipExtFile.read

    def counted(self, size=-1):
        data = real_read(self, size)
        unpacked.append(len(data))
        return data
    monkeypatch.setattr(zipfile.ZipExtFile, "read", counted)
    assert docx_problems(lying) == ["The file is damaged (word/document.xml cannot be read); save it again in Word."]
    assert sum(unpacked) < 64 * 1024      # the small parts read before it, and 4 KB of it: never 20 MB


def test_the_caps_are_what_the_readme_says():
    assert MAX_UNPACKED == 50 * MB
    assert docx_problems(streamed_document(45 * MB))[0].startswith(hostile_docx.RATIO)   # under the total


@pytest.mark.parametrize("made", [lambda: BASE, word_like, *[path.read_bytes for path in SHIPPED]],
                         ids=["python-docx", "Word-like", *[path.stem for path in SHIPPED]])
def test_good_files_are_accepted_and_made_again_the_same_each_time(made):
    data = made()
    assert docx_problems(data) == []
    rebuilt = clean_docx(data)
    assert clean_docx(rebuilt) == rebuilt
    before, after = Document(io.BytesIO(data)), Document(io.BytesIO(rebuilt))
    assert [p.text for p in after.paragraphs] == [p.text for p in before.paragraphs]
    header_before, header_after = before.sections[0].header, after.sections[0].header
    assert [p.text for p in header_after.paragraphs] == [p.text for p in header_before.paragraphs]
    assert len(after.inline_shapes) == len(before.inline_shapes)


def test_the_rebuilt_file_holds_only_the_parts_reached_from_its_relationships():
    data = with_entries(word_like(), [("evil.exe", b"MZ"), ("word/notes.txt", b"stray")])
    with zipfile.ZipFile(io.BytesIO(data)) as original, zipfile.ZipFile(io.BytesIO(clean_docx(data))) as rebuilt:
        dropped = set(original.namelist()) - set(rebuilt.namelist())
        types = rebuilt.read("[Content_Types].xml").decode()
        names = rebuilt.namelist()
    assert dropped == {"evil.exe", "word/notes.txt", "word/stray.bin"}
    assert names[:2] == ["[Content_Types].xml", "_rels/.rels"]
    assert {"word/footnotes.xml", "word/comments.xml", "word/glossary/document.xml", "docMetadata/LabelInfo.xml",
            "word/intelligence2.xml",
            "customXml/item1.xml", "word/media/image1.png"} <= set(names)
    assert "stray" not in types and "exe" not in types
    header = Document(io.BytesIO(clean_docx(data))).sections[0].header
    assert len(header.part.rels) == 1     # its picture is still there


def test_the_package_knows_its_main_document_and_each_part_type():
    package = open_docx(word_like())
    assert package.main == "word/document.xml"
    assert package.types["word/comments.xml"].endswith("wordprocessingml.comments+xml")
    assert [rel.kind for rel in package.relationships[""]] == [
        "core-properties", "extended-properties", "officedocument", "thumbnail", "custom-properties",
        "classificationlabels"]
