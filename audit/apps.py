from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from . import receivers, triggers

        receivers.connect()
        if settings.PGTRIGGER_INSTALL_ON_MIGRATE:
            post_migrate.connect(triggers.lighten_after_migrate, sender=self)
        if not settings.AUDIT_BY_TRIGGERS:
            from . import fallback

            fallback.connect()
