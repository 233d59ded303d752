"""Test-only: django-axes' backend, minus its refusal of `Client.login()`, which calls
authenticate() without a request. Every login through the login page still goes through axes."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class AxesBackendForTestClient(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
