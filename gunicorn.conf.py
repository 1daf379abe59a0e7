"""gunicorn settings: `gunicorn 'app:create_app()'` (see README, Running in production)."""
import os

bind = os.environ.get("CASEBOOK_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("CASEBOOK_WORKERS", "2"))
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server):
    """The embedded database (when MONGODB_URI is unset) follows the master, not each worker."""
    os.environ["CASEBOOK_OWNER_PID"] = str(os.getpid())
