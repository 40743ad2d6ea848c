"""The read-only API, version 1 (included under /api/v1/ by cms/urls.py)."""

from django.urls import path

from . import openapi, views

app_name = "api"

urlpatterns = [
    path("openapi.json", openapi.description, name="openapi"),
    path("surveys/", views.survey_list, name="surveys"),
    path("surveys/<int:survey_id>/codebook/", views.codebook, name="codebook"),
    path("surveys/<int:survey_id>/responses/", views.responses, name="responses"),
    path("surveys/<int:survey_id>/report/", views.report, name="report"),
]
