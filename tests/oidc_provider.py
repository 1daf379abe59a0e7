"""A real OpenID Connect provider for the app and browser tests: oidc-provider-mock's provider (real keys, a real
JWKS, real authorisation codes and signed ID tokens) served on a free port of 127.0.0.1 in a thread, and its
sign-in page driven over HTTP (httpx)."""
from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import httpx

from tests.conftest import serving

CLIENT_ID, CLIENT_SECRET = "casebook", "casebook-client-secret"
ROLE_GROUPS = "hr=casebook-hr;admin=casebook-admins;support=casebook-support;dpo=casebook-dpo"
HR_DIVISIONS = "casebook-hr-cc=Community Care;casebook-hr-ac=Acute Care"


class Provider:
    """The provider at `url`: its people's claims set through its API, and its sign-in page answered."""

    def __init__(self, url: str):
        self.url = url

    def config(self, **overrides) -> dict:
        """The app settings that point Casebook at this provider."""
        return {"OIDC_ISSUER": self.url, "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET,
                "OIDC_ROLE_GROUPS": ROLE_GROUPS, "OIDC_HR_DIVISIONS": HR_DIVISIONS, **overrides}

    def person(self, subject: str, **claims) -> None:
        """The claims the provider gives `subject` from now on (email, name, groups…)."""
        httpx.put(f"{self.url}/users/{subject}", json=claims).raise_for_status()

    def sign_in(self, authorize_url: str, subject: str) -> str:
        """Open the provider's sign-in page at `authorize_url` and sign in there as `subject`: the address the
        provider sends the browser back to."""
        assert authorize_url.startswith(f"{self.url}/oauth2/authorize?")
        page = httpx.get(authorize_url)
        assert page.status_code == 200 and 'name="sub"' in page.text, page.text
        answer = httpx.post(authorize_url, data={"sub": subject})
        assert answer.status_code == 302, answer.text
        return answer.headers["Location"]

    def deny(self, authorize_url: str) -> str:
        """Press the sign-in page's Deny: the address the provider sends the browser back to."""
        answer = httpx.post(authorize_url, data={"action": "deny"})
        assert answer.status_code == 302, answer.text
        return answer.headers["Location"]


def provider_app():
    """A new provider's WSGI app, requiring a nonce, with keys of its own."""
    with warnings.catch_warnings():
        # Its own imports use authlib.jose and Authlib's httpx client, which Authlib marks deprecated.
        warnings.filterwarnings("ignore", module="oidc_provider_mock")
        warnings.filterwarnings("ignore", module="authlib.integrations.httpx_client")
        import oidc_provider_mock
    return oidc_provider_mock.app(require_nonce=True)


@contextlib.contextmanager
def running_provider(wrap: Callable | None = None) -> Iterator[Provider]:
    """A provider served until the block ends; `wrap` may wrap its WSGI app (a provider that misbehaves)."""
    provider = provider_app()
    with serving(wrap(provider) if wrap else provider) as url:
        yield Provider(url)


def path_of(url: str) -> str:
    """The path and query of `url`, as the Flask test client asks for them."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path
