"""The settings the services take, read from the app's configuration: the one place a blueprint builds them."""
from __future__ import annotations

from flask import current_app

from services.settings import Settings


def settings() -> Settings:
    """The mail, organisation and time-zone settings of the running app."""
    return Settings.from_config(current_app.config)
