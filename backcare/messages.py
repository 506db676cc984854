"""Django's messages, their cookie sent only where they are read.

A message is shown by the page a form redirects to, within the same part of the site
("Forgotten: …" on /mine/, an editor's "was changed" in /admin/). Django sets its cookie at
path "/", so the words travelled with every request for one redirect; here the cookie is
scoped to the first part of the path that set it, as Backcare's other cookies are.
"""

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.messages.storage.session import SessionStorage

from backcare.web import path_section


class ScopedCookieStorage(CookieStorage):
    def _update_cookie(self, encoded_data, response):
        where = {
            "path": path_section(self.request.path),
            "domain": settings.SESSION_COOKIE_DOMAIN,
            "samesite": settings.SESSION_COOKIE_SAMESITE,
        }
        if encoded_data:
            secure = settings.SESSION_COOKIE_SECURE or None
            response.set_cookie(
                self.cookie_name, encoded_data, secure=secure, httponly=True, **where
            )
        else:
            response.delete_cookie(self.cookie_name, **where)


class ScopedStorage(FallbackStorage):
    """The cookie first, the session when a message would not fit (as Django's default)."""

    storage_classes = (ScopedCookieStorage, SessionStorage)
