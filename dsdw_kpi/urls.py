from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from dsdw_kpi.csp_report import csp_report

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("dsdw_kpi.accounts.urls")),  # password change/reset, TOTP
    path("i18n/", include("django.conf.urls.i18n")),
    path("csp-report/", csp_report, name="csp-report"),  # Content-Security-Policy violation reports
    path("healthz/", include("ops.urls")),  # health check: database, broker, worker heartbeat (no login)
    path("reports/", include("reporting.urls")),
    path("", include("indicators.urls")),
]

# Thai error pages on the base template; a request too large (RequestDataTooBig) answers 413 (dsdw_kpi/errors.py).
handler400 = "dsdw_kpi.errors.bad_request"
