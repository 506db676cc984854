"""The limits and headers that every layer applies, with no Django import, so gunicorn's
configuration (`backcare.server`, loaded before Django and before gevent patches anything) and
the settings read the same numbers."""

# No form of Backcare takes more than a few kilobytes; the admin's technique page with all its
# step lines is the largest, at about 20 KB. Anything over this is refused unread (413).
MAX_BODY_BYTES = 256 * 1024
MAX_FORM_FIELDS = 1000

# Seconds a client has to send a request's line and headers (slow-header attacks), and to
# send each piece of a body or take each piece of an answer before the connection is closed.
HEADER_SECONDS = 5
READ_SECONDS = 20

# Only what the player needs (screen wake lock); everything else powerful is off.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), screen-wake-lock=(self)"
)

# Pages drawn without Django (gunicorn's own refusals) carry these; Django's responses get
# the same through SecurityMiddleware, the CSP middleware and web.PermissionsPolicyMiddleware.
BARE_PAGE_HEADERS = (
    (
        "Content-Security-Policy",
        "default-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
    ),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", PERMISSIONS_POLICY),
    ("Cache-Control", "no-store"),
)
