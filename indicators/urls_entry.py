"""URLs of the staff result-entry screens and their score-preview API (names are reversed elsewhere: keep them)."""

from django.urls import path

from indicators import apis, views_entry

urlpatterns = [
    path("rounds/<int:round_id>/units/<int:unit_id>/", views_entry.unit_round, name="unit-round"),
    path(
        "rounds/<int:round_id>/units/<int:unit_id>/indicators/<int:assignment_id>/",
        views_entry.result_entry,
        name="result-entry",
    ),
    path("results/<int:pk>/history/", views_entry.result_history, name="result-history"),
    path("results/<int:pk>/evidence/", views_entry.evidence_upload, name="evidence-upload"),
    path("evidence/<int:pk>/", views_entry.evidence_download, name="evidence-download"),
    path("evidence/<int:pk>/delete/", views_entry.evidence_delete, name="evidence-delete"),
    path("api/score-preview/", apis.ScorePreviewApi.as_view(), name="score-preview"),
]
