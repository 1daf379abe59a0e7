"""The settings services take: where mail goes, the organisation's details until HR saves them, the time zone.

The app builds one `Settings` from its configuration (`Settings.from_config`) and the blueprints hand it, or
the part of it a service needs, to the service: no service reads the app's configuration itself.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from services.mail import MailSettings

DEFAULT_TIME_ZONE = "Europe/London"
DEFAULT_IMPORT_RETENTION_DAYS = 30


@dataclasses.dataclass(frozen=True)
class OrganisationDefaults:
    """The organisation's details as configured: what letters carry until an administrator saves them."""

    name: str = ""
    address: tuple[str, ...] = ()
    phone: str = ""
    email: str = ""

    @classmethod
    def from_config(cls, config: Mapping) -> OrganisationDefaults:
        address = config.get("ORGANISATION_ADDRESS") or ""
        return cls(name=config.get("ORGANISATION_NAME", ""),
                   address=tuple(line.strip() for line in address.split(";") if line.strip()),
                   phone=config.get("ORGANISATION_PHONE", ""), email=config.get("ORGANISATION_EMAIL", ""))


@dataclasses.dataclass(frozen=True)
class Settings:
    """Everything a service may need from the configuration."""

    mail: MailSettings
    organisation: OrganisationDefaults
    time_zone: str = DEFAULT_TIME_ZONE
    import_retention_days: int = DEFAULT_IMPORT_RETENTION_DAYS   # how long uploaded import files are kept

    @classmethod
    def from_config(cls, config: Mapping) -> Settings:
        return cls(mail=MailSettings.from_config(config), organisation=OrganisationDefaults.from_config(config),
                   time_zone=config.get("TIME_ZONE") or DEFAULT_TIME_ZONE,
                   import_retention_days=retention_days(config.get("IMPORT_RETENTION_DAYS")))


def retention_days(value) -> int:
    """The days import files are kept: a whole number of at least 1 (default 30). ValueError otherwise."""
    if value is None or value == "":
        return DEFAULT_IMPORT_RETENTION_DAYS
    try:
        days = int(str(value).strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a whole number of days") from None
    if days < 1:
        raise ValueError(f"keep import files for at least 1 day, not {days}")
    return days
