from django.urls import path

from evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("", views.assignment_list, name="assignments"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment"),
    path("assignments/<int:pk>/declaration/", views.assignment_declaration, name="declaration"),
    path("assignments/<int:pk>/score/", views.assignment_score, name="score"),
]
