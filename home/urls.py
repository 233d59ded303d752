from django.urls import path

from . import alerts, views

app_name = "home"

urlpatterns = [
    path("", views.today, name="today"),
    path("portfolio/", views.portfolio, name="portfolio"),
    path("alerts/", alerts.alerts_page, name="alerts"),
    path("clients/<uuid:code>/health/", views.client_health, name="client_health"),
]
