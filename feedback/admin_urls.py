from django.urls import path

from . import admin_views

app_name = "feedback_admin"
urlpatterns = [
    path("", admin_views.FeedbackQueueView.as_view(), name="queue"),
    path(
        "results/", admin_views.FeedbackQueueView.as_view(results_only=True), name="queue_results"
    ),
    path("bulk/", admin_views.BulkActionView.as_view(), name="bulk"),
    path("counts/", admin_views.FeedbackCountsView.as_view(), name="counts"),
    path("<uuid:key>/", admin_views.FeedbackDetailView.as_view(), name="detail"),
]
