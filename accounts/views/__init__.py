from .account import home, language_set, profile, signup
from .health import healthz, server_error
from .members import invitation_accept
from .workspaces import workspace_create

__all__ = [
    "healthz",
    "home",
    "invitation_accept",
    "language_set",
    "profile",
    "server_error",
    "signup",
    "workspace_create",
]
