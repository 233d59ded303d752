"""Test settings: the real settings, made fast. Only what speed or isolation needs changes here."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production-use-0123456789")

from .settings import *  # noqa: F403
from .settings import MIDDLEWARE, STORAGES

# Uploaded files go to a folder of this test run, never into the checkout.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="clientwise-test-media-"))
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
SECURE_SSL_REDIRECT = False
# Tests serve static files through the staticfiles app (live_server), not collected files.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]
# Each test process counts in its own memory, whatever CACHE_URL says; tests/conftest.py
# clears it between tests.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# django-axes stays on, but the test client's `login()` authenticates without a request, which
# axes refuses: the backend in tests lets that one call through (real logins go to the view).
AUTHENTICATION_BACKENDS = [
    "tests.security.backends.AxesBackendForTestClient",
    "django.contrib.auth.backends.ModelBackend",
]
