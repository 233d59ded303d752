from django.urls import path

from config.urls import urlpatterns as app_urlpatterns

from .floor import floor

urlpatterns = [path("w/<slug:ws>/floor/", floor, name="bench_floor"), *app_urlpatterns]
