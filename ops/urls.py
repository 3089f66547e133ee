from django.urls import path

from ops.views import healthz

app_name = "ops"
urlpatterns = [path("", healthz, name="healthz")]
