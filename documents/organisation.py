"""The organisation's details that letters carry: name, postal address, HR telephone and e-mail, and a logo.

One settings document, edited by administrators with a version check and an audit entry per change. Until
it is saved, letters take the name from the configuration (CASEBOOK_ORG_NAME).
"""
from __future__ import annotations

import functools
import re

import gridfs
import mongoengine as me
from flask import current_app
from mongoengine.connection import get_db

from documents.base import AuditEntry, StaleEditError, Versioned, field_errors

LOGO_MAX_BYTES = 1024 * 1024
LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
ADDRESS_LINES = 8
FILES = "organisation_files"
PHONE = re.compile(r"\+?[0-9][0-9 ()-]{5,29}")


class SettingsRefused(ValueError):
    """Settings that cannot be saved: `errors` maps each field to what is wrong with it."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class Organisation(Versioned, me.Document):
    """The organisation's details (a single document)."""

    key = me.StringField(required=True, default="organisation", unique=True, choices=["organisation"])
    name = me.StringField(required=True, max_length=200)
    address = me.ListField(me.StringField(max_length=100))
    phone = me.StringField(max_length=30)
    email = me.EmailField(max_length=200)
    logo_file_id = me.ObjectIdField()
    logo_filename = me.StringField(max_length=255)
    logo_type = me.StringField(choices=list(LOGO_TYPES.values()))
    logo_size = me.IntField(min_value=1, max_value=LOGO_MAX_BYTES)
    version = me.IntField(default=0)
    audit = me.EmbeddedDocumentListField(AuditEntry)

    meta = {"collection": "organisation"}

    def clean(self):
        self.name = (self.name or "").strip()
        self.address = [line.strip() for line in self.address if line.strip()]
        self.phone = (self.phone or "").strip() or None
        self.email = (self.email or "").strip() or None
        errors = {}
        if not self.name:
            errors["name"] = "Enter the organisation's name."
        elif len(self.name) > 200:
            errors["name"] = "The name must be 200 characters or fewer."
        if len(self.address) > ADDRESS_LINES:
            errors["address"] = f"The address can have at most {ADDRESS_LINES} lines."
        elif any(len(line) > 100 for line in self.address):
            errors["address"] = "Each line of the address must be 100 characters or fewer."
        if self.phone and not PHONE.fullmatch(self.phone):
            errors["phone"] = "Enter a telephone number in digits, for example 01234 567890."
        if self.email and not _is_email(self.email):
            errors["email"] = "Enter an e-mail address, for example hr@example.org."
        if errors:
            raise me.ValidationError(errors=errors)

    @classmethod
    def current(cls) -> "Organisation | None":
        """The saved details, or None when nobody has saved them yet."""
        return cls.objects(key="organisation").first()

    def details(self) -> dict:
        """The details an audit entry compares: everything but the logo's file."""
        return {"name": self.name, "address": list(self.address), "phone": self.phone, "email": self.email,
                "logo": self.logo_filename}


def logo_problem(data: bytes) -> str | None:
    """Why `data` cannot be the logo (not a PNG or JPEG image, larger than 1 MB), or None."""
    if len(data) > LOGO_MAX_BYTES:
        return "The logo is larger than 1 MB: save a smaller image."
    if _image_type(data) is None:
        return "The logo must be a PNG or JPEG image."
    return None


def save_organisation(actor: str, values: dict, version: int | None = None, logo: tuple[str, bytes] | None = None,
                      remove_logo: bool = False) -> bool:
    """Save the organisation's `values` (name, address as a list of lines, phone, email) and, when given, a
    new logo as (filename, bytes), with an audit entry of what changed. False when nothing changed.

    Raises SettingsRefused naming each field that is wrong (nothing saved) and StaleEditError when `version`
    is given and someone else saved the details since."""
    document = Organisation.current() or Organisation(name=current_app.config.get("ORGANISATION_NAME", ""))
    if version is not None and version != document.version:
        raise StaleEditError()
    before = document.details()
    for name in ("name", "address", "phone", "email"):
        setattr(document, name, values.get(name))
    errors = {}
    try:
        document.validate()
    except me.ValidationError as error:
        errors = field_errors(error)
    problem = logo_problem(logo[1]) if logo else None
    if problem:
        errors["logo"] = problem
    if errors:
        raise SettingsRefused(errors)
    old_logo = document.logo_file_id
    if logo:
        document.logo_file_id = _files().put(logo[1], filename=logo[0], content_type=_image_type(logo[1]))
        document.logo_filename, document.logo_type, document.logo_size = logo[0], _image_type(logo[1]), len(logo[1])
    elif remove_logo:
        document.logo_file_id = document.logo_filename = document.logo_type = document.logo_size = None
    after = document.details()
    changed = {key for key in after if after[key] != before[key]} | ({"logo"} if logo else set())
    if not changed and document.pk:
        return False
    document.record(actor, "organisation details changed", {key: before[key] for key in sorted(changed)},
                    {key: after[key] for key in sorted(changed)})
    try:
        document.save_checked()
    except (StaleEditError, me.NotUniqueError):
        if logo:
            _files().delete(document.logo_file_id)
        raise StaleEditError() from None
    if old_logo and old_logo != document.logo_file_id:
        _files().delete(old_logo)
    return True


def logo() -> tuple[bytes, str] | None:
    """The logo's bytes and content type, or None when there is no logo."""
    document = Organisation.current()
    if document is None or document.logo_file_id is None:
        return None
    return _logo_file(document.logo_file_id), document.logo_type


def organisation_name() -> str:
    """The organisation's name as saved, else as configured (the page header shows it)."""
    document = Organisation.current()
    return document.name if document is not None and document.name else current_app.config.get("ORGANISATION_NAME", "")


def organisation_context() -> dict:
    """The `organisation` fields of a letter: from the saved details, else from the configuration. The logo is
    the image's bytes (empty without one), which `casework.letters.render` places as a picture."""
    document = Organisation.current()
    if document is not None:
        return {"name": document.name, "address": list(document.address), "phone": document.phone or "",
                "email": document.email or "",
                "logo": _logo_file(document.logo_file_id) if document.logo_file_id else b""}
    config = current_app.config
    address = config.get("ORGANISATION_ADDRESS") or ""
    return {"name": config.get("ORGANISATION_NAME", ""),
            "address": [line.strip() for line in address.split(";") if line.strip()],
            "phone": config.get("ORGANISATION_PHONE", ""), "email": config.get("ORGANISATION_EMAIL", ""), "logo": b""}


@functools.lru_cache(maxsize=4)
def _logo_file(file_id) -> bytes:
    """A logo's bytes, read once per process: a logo file never changes (a new logo is a new file)."""
    return _files().get(file_id).read()


def _is_email(text: str) -> bool:
    try:
        Organisation.email.validate(text)
    except me.ValidationError:
        return False
    return len(text) <= 200


def _image_type(data: bytes) -> str | None:
    return next((kind for magic, kind in LOGO_TYPES.items() if data.startswith(magic)), None)


def _files() -> gridfs.GridFS:
    return gridfs.GridFS(get_db(), collection=FILES)
