from django.urls import path

from .views import digest, health, review, settings

app_name = "assessments"

urlpatterns = [
    path("clients/<uuid:code>/health/", health.client_health, name="client_health"),
    path("alerts/<uuid:code>/<slug:action>/", health.alert_action, name="alert_action"),
    path("health/settings/", settings.scoring_settings_edit, name="scoring_settings"),
    path(
        "health/settings/preview/",
        settings.scoring_settings_preview,
        name="scoring_settings_preview",
    ),
    path("boundaries/", settings.boundary_list, name="boundaries"),
    path("digest/", digest.digest_set, name="digest_set"),
    path("clients/<uuid:code>/review/", review.review_begin, name="review_begin"),
    path("reviews/", review.decisions, name="decisions"),
    path("reviews/<uuid:code>/", review.review_detail, name="review_detail"),
    path("reviews/<uuid:code>/step/<int:step>/", review.review_step, name="review_step"),
    path("reviews/<uuid:code>/cancel/", review.review_cancel, name="review_cancel"),
    path("reviews/<uuid:code>/plan/", review.review_plan, name="review_plan"),
    path("reviews/<uuid:code>/check/<slug:item>/", review.review_check, name="review_check"),
    path("reviews/<uuid:code>/hand-over/", review.review_hand_over, name="review_hand_over"),
    path("follow-ups/<uuid:code>/", review.follow_up, name="follow_up"),
    path("boundaries/<uuid:code>/", settings.boundary_edit, name="boundary_edit"),
]
