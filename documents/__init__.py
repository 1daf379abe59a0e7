"""MongoEngine documents: what Casebook stores, with field validation and indexes."""
from documents.absence import REASON_CATEGORIES, Absence, MedicalRead
from documents.api_token import ApiToken
from documents.base import AuditEntry, StaleEditError, field_errors, utcnow
from documents.case import Case
from documents.employee import Employee, fill_employee_search_words, rebuild_manager_paths
from documents.import_job import ImportJob, UnfinishedImport
from documents.job import Job
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
from documents.user import ROLES, LoginThrottle, User

ALL = (Employee, Absence, Case, User, Policy, LoginThrottle, ApiToken, ImportJob, Notification, LetterTemplate,
       Organisation, Routing, UnfinishedImport, ReasonCodes, PasswordLink, MedicalRead, AccessRefusal,
       SubjectAccessExport, Job, EmployeeMonth, ScopeMonth, OpenTask, RtwDue, RtwTally)


def ensure_indexes() -> None:
    """Create every collection's indexes (idempotent), and fill the indexed words of logins saved before them."""
    for document in ALL:
        document.ensure_indexes()
    User.fill_search_words()
    fill_employee_search_words()


__all__ = ["Absence", "ApiToken", "AuditEntry", "Case", "Employee", "ImportJob", "LetterTemplate", "LoginThrottle",
           "Notification", "Organisation", "PasswordLink", "Policy", "REASON_CATEGORIES", "ROLES", "ReasonCodes",
           "Routing", "StaleEditError", "UnfinishedImport", "User", "ALL", "ensure_indexes", "field_errors",
           "rebuild_manager_paths", "utcnow",
           "AccessRefusal", "MedicalRead", "SubjectAccessExport", "Job", "OpenTask"]
