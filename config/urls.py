from django.urls import include, path

from accounts import views
from accounts.admin import site as operators_site
from accounts.urls import account_patterns, workspace_patterns

urlpatterns = [
    path("admin/", operators_site.urls),
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("language/", views.language_set, name="language_set"),
    path("accounts/", include((account_patterns, "accounts"))),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("workspaces/new/", views.workspace_create, name="workspace_create"),
    path("w/<slug:ws>/", include((workspace_patterns, "workspace"))),
    path("w/<slug:ws>/", include("home.urls")),
    path("w/<slug:ws>/", include("portfolio.urls")),
    path("w/<slug:ws>/", include("assessments.urls")),
    path("w/<slug:ws>/", include("reviews.urls")),
    path("w/<slug:ws>/", include("audit.urls")),
]

# A request that fails because the database is unreachable answers 503, not 500.
handler500 = "accounts.views.server_error"
