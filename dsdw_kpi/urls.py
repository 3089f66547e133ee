from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("reports/", include("reporting.urls")),
    path("", include("indicators.urls")),
]

# Thai error pages on the base template; a request too large (RequestDataTooBig) answers 413 (dsdw_kpi/errors.py).
handler400 = "dsdw_kpi.errors.bad_request"
