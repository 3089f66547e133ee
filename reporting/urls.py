from django.urls import path

from reporting import views, views_batches

urlpatterns = [
    path("scorecard/", views.scorecard, name="report-scorecard"),
    path("batches/", views_batches.batches, name="report-batches"),
    path("batches/<int:pk>/", views_batches.batch_detail, name="report-batch"),
    path("batches/<int:pk>/status.json", views_batches.batch_status, name="report-batch-status"),
    path("batches/<int:pk>/cancel/", views_batches.batch_cancel, name="report-batch-cancel"),
    path("batches/<int:pk>/download/", views_batches.batch_download, name="report-batch-download"),
    path("batches/<int:pk>/files/<int:item_pk>/", views_batches.batch_item_download, name="report-batch-item"),
    path(
        "scorecard/<slug:unit>/<int:year>/<int:round_number>/indicators/<int:assignment_id>/",
        views.scorecard_indicator,
        name="report-scorecard-indicator",
    ),
]
