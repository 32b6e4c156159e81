"""Production: every secret comes from the environment and has no default.

``python manage.py check --deploy --settings=config.settings.production`` is clean with the
defaults below; the compose demo turns HTTPS-only settings off through the environment because
it serves plain HTTP on localhost.
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env


def secret_key() -> str:
    """DJANGO_SECRET_KEY, else the key kept in DJANGO_SECRET_KEY_FILE (where bin/with-secret-key
    keeps the one it generated, so that `docker compose exec web python manage.py …` signs with
    the same key as the site). No default: a missing key stops the start."""
    key = env("DJANGO_SECRET_KEY", default="")
    path = env("DJANGO_SECRET_KEY_FILE", default="")
    if not key and path and Path(path).is_file():
        key = Path(path).read_text().strip()
    if not key:
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY, or DJANGO_SECRET_KEY_FILE to a file that holds the key."
        )
    return key


DEBUG = False
SECRET_KEY = secret_key()
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOGGING["loggers"]["django.security.DisallowedHost"] = {"level": "ERROR"}  # noqa: F405
