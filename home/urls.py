from django.urls import path

from . import views

app_name = "home"

urlpatterns = [
    path("", views.dashboard, name="today"),
    path("clients/<uuid:code>/health/", views.client_health, name="client_health"),
]
