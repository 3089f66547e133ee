from django.urls import path

from reporting import views

urlpatterns = [
    path("scorecard/", views.scorecard, name="report-scorecard"),
]
