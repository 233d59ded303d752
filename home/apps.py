from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The pages and commands that compose the other apps: the workspace's home, the client's
    health panel with its reviews, and the nightly pass."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "home"
    verbose_name = _("Home")
