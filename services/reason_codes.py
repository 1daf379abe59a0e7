"""The ESR sickness reason code mapping: reading it for an import, and an administrator's changes to it.

Until an administrator first saves the mapping the shipped one (`casework.reason_codes.DEFAULT_MAPPING`) is in
force; the first save stores it (an audit entry "installed") and then the change. Reading never writes, so a
dry run or a refused feed changes nothing. A change applies to absences fed afterwards: an absence keeps the
category it was given when it was fed, with the code (`Absence.reason_code`), so the category is explained by
the mapping as it was then (the mapping's history says when each code changed).
"""
from __future__ import annotations

from collections.abc import Mapping

import mongoengine as me

from casework.reason_codes import DEFAULT_MAPPING, complete_mapping, mapping_problems
from documents.base import StaleEditError
from documents.reason_codes import ReasonCodes
from services.errors import Refused


def install_reason_codes(actor: str = "system") -> ReasonCodes:
    """Store the shipped mapping unless a mapping is stored (with an audit entry); return the stored one."""
    document = ReasonCodes.current()
    if document is not None:
        return document
    document = ReasonCodes(codes=dict(DEFAULT_MAPPING))
    document.record(actor, "reason code mapping installed", after=dict(DEFAULT_MAPPING))
    try:
        document.save_checked()
    except me.NotUniqueError:   # installed meanwhile by another process
        found = ReasonCodes.current()
        assert found is not None, "the mapping another process installed is stored"
        return found
    return document


def reason_code_mapping() -> dict[str, str]:
    """{ESR code: category} as it stands, in one read (the shipped mapping until one is stored)."""
    document = ReasonCodes.objects(key="reason_codes").only("codes").first()
    return complete_mapping(document.codes if document else None)


def save_reason_codes(actor: str, chosen: Mapping[str, str], version: int | None = None) -> bool:
    """Save the category `chosen` for each code ({code: category}), with one audit entry of the codes that
    changed, before and after. False when nothing changed.

    Raises Refused naming each code whose category cannot be saved (nothing saved) and StaleEditError when
    `version` is given and someone else saved the mapping since."""
    problems = mapping_problems(chosen)
    if problems:
        raise Refused.naming(problems)
    stored = ReasonCodes.current()
    if version is not None and version != (stored.version if stored else 0):
        raise StaleEditError()
    document = stored or install_reason_codes()
    before = complete_mapping(document.codes)
    after = {**before, **chosen}
    changed = [code for code in after if after[code] != before[code]]
    if not changed:
        return False
    document.codes = after
    document.record(actor, "reason code mapping changed", {code: before[code] for code in changed},
                    {code: after[code] for code in changed})
    document.save_checked()
    return True
