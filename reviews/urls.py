from django.urls import path

from . import views

app_name = "reviews"

# The paths are those the review had inside the assessments app: links in emails already sent
# (follow-ups) keep working.
urlpatterns = [
    path("clients/<uuid:code>/review/", views.review_begin, name="review_begin"),
    path("reviews/", views.decisions, name="decisions"),
    path("reviews/<uuid:code>/", views.review_detail, name="review_detail"),
    path("reviews/<uuid:code>/step/<int:step>/", views.review_step, name="review_step"),
    path("reviews/<uuid:code>/cancel/", views.review_cancel, name="review_cancel"),
    path("reviews/<uuid:code>/plan/", views.review_plan, name="review_plan"),
    path("reviews/<uuid:code>/check/<slug:item>/", views.review_check, name="review_check"),
    path("reviews/<uuid:code>/hand-over/", views.review_hand_over, name="review_hand_over"),
    path("follow-ups/<uuid:code>/", views.follow_up, name="follow_up"),
]
