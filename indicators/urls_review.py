"""Supervisor review pages: the queue and one result (indicators/views_review.py)."""

from django.urls import path

from indicators import views_review

urlpatterns = [
    path("review/", views_review.review_queue, name="review-queue"),
    path("review/<int:pk>/", views_review.review_result, name="review-result"),
]
