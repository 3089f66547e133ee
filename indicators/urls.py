from django.urls import path

from indicators import views

urlpatterns = [
    path("", views.home, name="home"),
    path("frameworks/<int:pk>/", views.framework_detail, name="framework-detail"),
]
