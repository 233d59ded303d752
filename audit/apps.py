from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from . import receivers

        receivers.connect()
        if not settings.AUDIT_BY_TRIGGERS:
            from . import fallback

            fallback.connect()
