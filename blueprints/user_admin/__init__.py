"""The Users page, for administrators: find, make and keep the logins (roles, HR divisions, the assignment of a
manager, the authority to dismiss, switched on or off) and send set-password links."""
from flask import Blueprint

bp = Blueprint("user_admin", __name__)

from blueprints.user_admin import routes  # noqa: E402,F401  (the routes register themselves on bp)
