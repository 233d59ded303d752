from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portfolio"
    verbose_name = _("Portfolio")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects the signal receivers)
