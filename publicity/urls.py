from django.urls import path

from publicity import views

app_name = "publicity"

urlpatterns = [
    path("<int:pk>/", views.publicity_page, name="page"),
    path("<int:pk>/objections/", views.objection_submit, name="object"),
    path("objections/<str:token>/", views.objection_status, name="status"),
    path("calls/<int:call_id>/", views.city_call, name="call"),
    path("calls/<int:call_id>/publish/", views.city_publish, name="publish"),
    path("handling/<int:pk>/decide/", views.city_decide, name="decide"),
    path("handling/<int:pk>/files/<int:file_id>/", views.evidence_file, name="evidence"),
]
