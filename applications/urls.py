from django.urls import path

from applications import views
from applications.urls_materials import urlpatterns as materials_urlpatterns

app_name = "applications"
urlpatterns = [
    path("", views.application_list, name="list"),
    path("start/<int:call_id>/<slug:code>/", views.application_start, name="start"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/autosave/", views.application_autosave, name="autosave"),
    path("<int:pk>/eligibility/", views.application_panel, name="panel"),
    path("<int:pk>/withdraw/", views.application_withdraw, name="withdraw"),
    path("<int:pk>/pdf/", views.application_pdf, name="pdf"),
] + materials_urlpatterns
