"""Small HTTP helpers every app shares: htmx page-or-fragment, and 303 after a POST."""

from django.http import HttpRequest, HttpResponseRedirect
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def page_or_fragment(request: HtmxHttpRequest, template: str, fragment: str) -> str:
    """The template to render: its `{% partialdef fragment %}` for htmx swaps, else the page.

    A history-restore request (the back button after the cache was emptied) needs the page.
    """
    if request.htmx and not request.htmx.history_restore_request:
        return f"{template}#{fragment}"
    return template


class SeeOther(HttpResponseRedirect):
    """303: after a POST, the browser GETs the next page (and a reload can't repost)."""

    status_code = 303
