from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = _("Accounts and workspaces")

    def ready(self) -> None:
        from django.db.models import fields

        # The empty choice of every <select> built from a model field. Django 6.1's own
        # "- Select an option -" has no Portuguese or Spanish translation; Django reads this
        # when a form field is built, after every app is ready (the first of our apps sets it).
        fields.BLANK_CHOICE_LABEL = _("Choose…")
