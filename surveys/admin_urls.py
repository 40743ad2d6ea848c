from django.urls import path

from . import admin_views, invitation_views, xlsform_views

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
