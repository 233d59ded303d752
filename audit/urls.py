from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("activity/", views.activity, name="activity"),
    path("clients/<uuid:code>/changes/", views.client_history, name="client_history"),
]
