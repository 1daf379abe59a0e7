"""The organisation's details that letters carry: saving them with the logo, and reading them for a letter.

Until the details are saved, letters take them from the settings (CASEBOOK_ORG_NAME and the like).
"""
from __future__ import annotations

import functools

import gridfs
import mongoengine as me
from mongoengine.connection import get_db

from casework.letters import picture_problem
from documents.base import StaleEditError, field_errors
from documents.organisation import LOGO_MAX_BYTES, LOGO_TYPES, Organisation
from services.errors import Refused
from services.settings import OrganisationDefaults

FILES = "organisation_files"


def logo_problem(data: bytes) -> str | None:
    """Why `data` cannot be the logo (not a PNG or JPEG image, larger than 1 MB), or None."""
    if len(data) > LOGO_MAX_BYTES:
        return "The logo is larger than 1 MB: save a smaller image."
    if _image_type(data) is None:
        return "The logo must be a PNG or JPEG image."
    if picture_problem(data):
        return "The logo is damaged or is not really a PNG or JPEG image: save it again from an image editor."
    return None


def save_organisation(actor: str, values: dict, version: int | None = None, logo: tuple[str, bytes] | None = None,
                      remove_logo: bool = False, *, defaults: OrganisationDefaults) -> bool:
    """Save the organisation's `values` (name, address as a list of lines, phone, email) and, when given, a
    new logo as (filename, bytes), with an audit entry of what changed. False when nothing changed.

    Raises Refused naming each field that is wrong (nothing saved) and StaleEditError when `version`
    is given and someone else saved the details since."""
    document = Organisation.current() or Organisation(name=defaults.name)
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
        raise Refused.naming(errors)
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


def organisation_name(defaults: OrganisationDefaults) -> str:
    """The organisation's name as saved, else as configured (the page header shows it)."""
    document = Organisation.current()
    return document.name if document is not None and document.name else defaults.name


def organisation_context(defaults: OrganisationDefaults) -> dict:
    """The `organisation` fields of a letter: from the saved details, else from the configuration. The logo is
    the image's bytes (empty without one), which `casework.letters.render` places as a picture."""
    document = Organisation.current()
    if document is not None:
        return {"name": document.name, "address": list(document.address), "phone": document.phone or "",
                "email": document.email or "",
                "logo": _logo_file(document.logo_file_id) if document.logo_file_id else b""}
    return {"name": defaults.name, "address": list(defaults.address), "phone": defaults.phone,
            "email": defaults.email, "logo": b""}


@functools.lru_cache(maxsize=4)
def _logo_file(file_id) -> bytes:
    """A logo's bytes, read once per process: a logo file never changes (a new logo is a new file)."""
    return _files().get(file_id).read()


def _image_type(data: bytes) -> str | None:
    return next((kind for magic, kind in LOGO_TYPES.items() if data.startswith(magic)), None)


def _files() -> gridfs.GridFS:
    return gridfs.GridFS(get_db(), collection=FILES)
