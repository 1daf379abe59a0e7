"""The menu under the header: one list of entries, each shown only to those its route's own rule admits,
so a menu link and its route cannot disagree."""
from __future__ import annotations

import dataclasses

from flask import Blueprint

from blueprints.access import may

bp = Blueprint("menu", __name__)


@dataclasses.dataclass(frozen=True)
class Entry:
    """A menu link to `endpoint`. It is the current page on the endpoint itself, or with `area` on any page
    of the endpoint's blueprint that has no entry of its own; `task_counts` adds the user's task counts."""

    label: str
    endpoint: str
    area: bool = False
    task_counts: bool = False

    def is_current(self, endpoint: str | None) -> bool:
        """Whether the page at `endpoint` is this entry's (its link then carries aria-current)."""
        if endpoint == self.endpoint:
            return True
        return self.area and bool(endpoint) and endpoint.startswith(self.blueprint + ".") and endpoint not in OWN_PAGES

    @property
    def blueprint(self) -> str:
        return self.endpoint.partition(".")[0]


MENU = (
    Entry("My tasks", "tasks.index", task_counts=True),
    Entry("My team", "team.index"),
    Entry("Team calendar", "team.calendar"),
    Entry("Employees", "employees.index"),
    Entry("Cases", "cases.index"),
    Entry("Flags", "hr.flags"),
    Entry("Hierarchy", "hierarchy.index", area=True),
    Entry("Data fixes", "datafix.index", area=True),
    Entry("Routing", "datafix.routing"),
    Entry("Reason codes", "reason_codes.mapping"),
    Entry("Trigger scan", "triggers.preview", area=True),
    Entry("Policies", "policies.index", area=True),
    Entry("Letter templates", "letters_admin.index", area=True),
    Entry("Dashboard", "dashboard.index", area=True),
    Entry("Board report", "reports.board"),
    Entry("Import absences", "imports.upload_absences"),
    Entry("Import staff", "imports.upload_employees"),
    Entry("Import in-flight cases", "imports.upload_inflight"),
    Entry("Users", "user_admin.index", area=True),
    Entry("API tokens", "tokens.index", area=True),
    Entry("Sign-in security", "two_factor.security"),
    Entry("Sign-in", "sso.sign_in_settings"),
    Entry("Medical reads", "dpo.medical_reads"),
    Entry("Refused attempts", "dpo.refusals"),
    Entry("Subject access", "dpo.subject_access"),
)
OWN_PAGES = {entry.endpoint for entry in MENU}


def shown_entries() -> list[Entry]:
    """The menu entries the signed-in user may open, in the menu's order."""
    return [entry for entry in MENU if may(entry.endpoint)]


@bp.app_context_processor
def menu():
    """The header's menu (worked out only when a page draws it), and `may(endpoint)` for links in pages."""
    return {"menu_entries": shown_entries, "may": may}
