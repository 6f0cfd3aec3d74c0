from django.urls import path

from enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("register/", views.register, name="register"),
    path("profile/", views.profile, name="profile"),
    path("self-check/", views.self_check, name="self_check"),
]
