"""The organisation's details that letters carry: name, address, HR telephone and e-mail (and a logo).
(An admin settings page builds on this; until then they come from the configuration.)"""
from __future__ import annotations

from flask import current_app


def organisation_context() -> dict:
    """The `organisation` fields of a letter."""
    config = current_app.config
    address = config.get("ORGANISATION_ADDRESS") or ""
    return {"name": config.get("ORGANISATION_NAME", ""),
            "address": [line.strip() for line in address.split(";") if line.strip()],
            "phone": config.get("ORGANISATION_PHONE", ""), "email": config.get("ORGANISATION_EMAIL", "")}
