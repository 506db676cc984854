"""The one rule for htmx pages: the same URL renders the full page or just its fragment."""

from django.http import HttpRequest
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
