"""Material upload/download/delete pages; included by applications/urls.py under /applications/."""

from django.urls import path

from applications import views_materials as views

urlpatterns = [
    path("<int:application_id>/materials/", views.material_list, name="material_list"),
    path("<int:application_id>/materials/upload/", views.material_upload, name="material_upload"),
    path("<int:application_id>/materials/<int:material_id>/delete/", views.material_delete, name="material_delete"),
    path(
        "<int:application_id>/materials/<int:material_id>/download/",
        views.material_download,
        name="material_download",
    ),
    path("<int:application_id>/materials/<int:material_id>/view/", views.material_view, name="material_view"),
]
