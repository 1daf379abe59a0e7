"""MongoEngine documents: what Casebook stores, with field validation and indexes."""
from documents.absence import REASON_CATEGORIES, Absence, MedicalRead
from documents.api_token import ApiToken
from documents.base import AuditEntry, StaleEditError, field_errors, utcnow
from documents.case import Case
from documents.case_rollup import CaseMark, CaseRollup
from documents.connection import database
from documents.divisions import StaffDivisions
from documents.employee import Employee, rebuild_manager_paths
from documents.hierarchy_health import HierarchyHealth
from documents.import_job import ImportJob, UnfinishedImport
from documents.job import Job
from documents.kept_state import KeptState
from documents.letter_templates import LetterTemplate
from documents.month_figures import EmployeeMonth, ScopeMonth
from documents.notification import Notification
from documents.open_task import OpenTask
from documents.organisation import Organisation
from documents.password_link import PasswordLink
from documents.policy import Policy
from documents.privacy import AccessRefusal, SubjectAccessExport
from documents.reason_codes import ReasonCodes
from documents.routing import Routing
from documents.rtw_due import RtwDue, RtwTally
from documents.task_tally import TaskTally
from documents.user import ROLES, LoginThrottle, User

ALL = (Employee, Absence, Case, User, Policy, LoginThrottle, ApiToken, ImportJob, Notification, LetterTemplate,
       Organisation, Routing, UnfinishedImport, ReasonCodes, PasswordLink, MedicalRead, AccessRefusal,
       SubjectAccessExport, Job, EmployeeMonth, ScopeMonth, OpenTask, KeptState, RtwDue, RtwTally,
       CaseMark, CaseRollup, TaskTally, HierarchyHealth, StaffDivisions)


def ensure_indexes() -> None:
    """Create every collection's indexes that are missing (the search words of logins saved before them are filled
    by the kept rebuild, services/kept.py, once).

    Each collection's indexes are listed once (22 commands) and created only when one is missing: every command
    and app process starts here, and creating them all each time sent 124 commands (MongoEngine creates them once
    more on a document's first query unless told, as here, that they are in place)."""
    db = database()
    for document in ALL:
        present = {_keys(info["key"]) for info in db[document._get_collection_name()].index_information().values()}
        if any(_keys(keys) not in present for keys in document.list_indexes()):
            document.ensure_indexes()
        document._meta["auto_create_index"] = False


def _keys(keys) -> tuple:
    return tuple((name, int(direction)) for name, direction in keys)


__all__ = ["Absence", "ApiToken", "AuditEntry", "Case", "Employee", "ImportJob", "LetterTemplate", "LoginThrottle",
           "Notification", "Organisation", "PasswordLink", "Policy", "REASON_CATEGORIES", "ROLES", "ReasonCodes",
           "Routing", "StaleEditError", "UnfinishedImport", "User", "ALL", "ensure_indexes", "field_errors",
           "rebuild_manager_paths", "utcnow",
           "AccessRefusal", "MedicalRead", "SubjectAccessExport", "Job", "OpenTask", "KeptState"]
