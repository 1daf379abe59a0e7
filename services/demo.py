"""Loading the invented demo organisation from `casework.demo` into the database."""
from __future__ import annotations

import datetime as dt

from casework.demo import generate
from documents.absence import Absence, ReturnToWork
from documents.employee import Employee, rebuild_manager_paths
from documents.user import User, hash_password
from services.figures import rebuild

DEMO_PASSWORD = "casebook-demo"


def load_demo(today: dt.date, seed: int = 2026, if_empty: bool = False, replace: bool = False) -> dict | None:
    """Insert the demo organisation as of `today`; None when data exists and `replace` is not set."""
    if replace:
        from documents import ALL
        for document in ALL:
            document.drop_collection()
            document.ensure_indexes()
    elif Employee.objects.limit(1).count(with_limit_and_skip=True) or User.objects.limit(1).count(
            with_limit_and_skip=True):
        return None
    organisation = generate(today, seed=seed)
    employees = [Employee(**row, version=1) for row in organisation.employees]
    for employee in employees:
        employee.validate()
    Employee.objects.insert(employees, load_bulk=False)
    rebuild_manager_paths()
    ids = {row["assignment_number"]: row["_id"]
           for row in Employee._get_collection().find({}, {"assignment_number": 1})}
    absences = []
    for row in organisation.absences:
        rtw = row.get("rtw")
        absence = Absence(**{**row, "rtw": ReturnToWork(**rtw) if rtw else None},
                          employee=ids[row["assignment_number"]], source="demo", version=1)
        absence.validate()
        absences.append(absence)
    Absence.objects.insert(absences, load_bulk=False)
    rebuild(today, check=False)     # the kept absence figures (issue 18.1)
    password_hash = hash_password(DEMO_PASSWORD)
    users = [User(**login, password_hash=password_hash, version=1) for login in organisation.logins]
    for user in users:
        user.validate()
    User.objects.insert(users, load_bulk=False)
    return {"employees": len(employees), "absences": len(absences), "logins": len(users)}
