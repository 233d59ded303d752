from django.urls import path

from .views import alerts, digest, settings

app_name = "assessments"

urlpatterns = [
    path("alerts/<uuid:code>/", alerts.alert_menu, name="alert_menu"),
    path("alerts/<uuid:code>/<slug:action>/", alerts.alert_action, name="alert_action"),
    path("health/settings/", settings.scoring_settings_edit, name="scoring_settings"),
    path(
        "health/settings/preview/",
        settings.scoring_settings_preview,
        name="scoring_settings_preview",
    ),
    path("boundaries/", settings.boundary_list, name="boundaries"),
    path("digest/", digest.digest_set, name="digest_set"),
    path("boundaries/<uuid:code>/", settings.boundary_edit, name="boundary_edit"),
]
