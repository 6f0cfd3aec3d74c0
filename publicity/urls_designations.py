# The designation's pages: the public results and certificate verification, the city's designation page, the
# certificate download; included at the site root (shenbao/urls.py).
from django.urls import path

from publicity import views_designations as views

app_name = "designations"
urlpatterns = [
    path("results/", views.results_page, name="results"),
    path("results/certificates/<str:key>/", views.certificate_verify, name="certificate_verify"),
    path("designations/calls/<int:call_id>/<str:category>/", views.designation_page, name="designation_page"),
    path("designations/applications/<int:pk>/certificate.pdf", views.certificate_download, name="certificate"),
]
