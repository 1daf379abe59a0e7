"""Page or fragment: one decision for every view that htmx may call."""
from __future__ import annotations

from flask import make_response, render_template, request


def wants_fragment() -> bool:
    """An htmx request that is neither boosted nor a history restore gets the fragment alone."""
    htmx = request.htmx
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render_page_or_fragment(page_template: str, fragment: str, status: int = 200, **context):
    """Render `fragment` for htmx requests and `page_template` otherwise, varying on HX-Request."""
    template = fragment if wants_fragment() else page_template
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response
