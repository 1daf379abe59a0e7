"""App tests: Flask's test client against the real embedded database, emptied before each test."""
from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller

from tests.app.mail import BASE, Inbox, free_port
from tests.conftest import PASSWORD, clean_database, csrf_token


@pytest.fixture(autouse=True)
def _clean(app):
    clean_database()


@pytest.fixture
def client(app):
    return app.test_client()


class Auth:
    """Signs the test client in and out through the real login form."""

    def __init__(self, client):
        self.client = client

    def login(self, email: str, password: str = PASSWORD, follow_redirects: bool = False):
        token = csrf_token(self.client.get("/login").get_data(as_text=True))
        return self.client.post("/login", data={"email": email, "password": password, "csrf_token": token},
                                follow_redirects=follow_redirects)

    def logout(self):
        page = self.client.get("/", follow_redirects=True).get_data(as_text=True)
        return self.client.post("/logout", data={"csrf_token": csrf_token(page)})


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def inbox(app, monkeypatch):
    """A real SMTP server on a free port of 127.0.0.1 for this test, and the app pointed at it."""
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    for name, value in (("SMTP_HOST", "127.0.0.1"), ("SMTP_PORT", controller.port), ("BASE_URL", BASE),
                        ("MAIL_FROM", "casebook@trust.example.org"), ("SMTP_TIMEOUT", 5)):
        monkeypatch.setitem(app.config, name, value)
    yield handler
    controller.stop()
