from django.urls import path

from . import (
    admin_views,
    export_views,
    impact_views,
    invitation_views,
    release_views,
    xlsform_views,
)

app_name = "surveys_admin"
urlpatterns = [
    path("", admin_views.SurveyIndexView.as_view(), name="index"),
    path("xlsform/import/", xlsform_views.XLSFormImportView.as_view(), name="xlsform_import"),
    path("partial/", admin_views.SurveyIndexView.as_view(results_only=True), name="index_results"),
    path(
        "<int:survey_id>/responses/",
        admin_views.ResponseListView.as_view(),
        name="responses",
    ),
    path("<int:survey_id>/results/", admin_views.SurveyResultsView.as_view(), name="results"),
    path("<int:survey_id>/impact/", impact_views.SurveyImpactView.as_view(), name="impact"),
    path(
        "results-pages/<int:page_id>/releases/",
        release_views.ReleasesView.as_view(),
        name="releases",
    ),
    path(
        "<int:survey_id>/xlsform/",
        xlsform_views.download_xlsform,
        name="xlsform_export",
    ),
    path(
        "<int:survey_id>/responses/partial/",
        admin_views.ResponseListView.as_view(results_only=True),
        name="responses_results",
    ),
    path("<int:survey_id>/export/", export_views.ExportView.as_view(), name="export"),
    path("exports/<uuid:job_id>/", export_views.ExportJobView.as_view(), name="export_job"),
    path("exports/<uuid:job_id>/status/", export_views.export_status, name="export_status"),
    path("exports/<uuid:job_id>/download/", export_views.download_export, name="export_download"),
    path("<int:survey_id>/paper/", export_views.PaperEntryView.as_view(), name="paper"),
    path(
        "<int:survey_id>/paper/template/",
        export_views.PaperTemplateView.as_view(),
        name="paper_template",
    ),
    path(
        "<int:survey_id>/invitations/",
        invitation_views.InvitationsView.as_view(),
        name="invitations",
    ),
    path(
        "<int:survey_id>/invitations/print/",
        invitation_views.InvitationSheetView.as_view(),
        name="invitations_print",
    ),
]
