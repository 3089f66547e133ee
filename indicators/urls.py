from django.urls import include, path

from indicators import views

urlpatterns = [
    path("", views.home, name="home"),
    path("frameworks/<int:pk>/", views.framework_detail, name="framework-detail"),
    path("", include("indicators.urls_review")),
    path("", include("indicators.urls_entry")),
]
