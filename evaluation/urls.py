from django.urls import path

from evaluation import views, views_city, views_pool

app_name = "evaluation"

urlpatterns = [
    path("", views.assignment_list, name="assignments"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment"),
    path("assignments/<int:pk>/declaration/", views.assignment_declaration, name="declaration"),
    path("assignments/<int:pk>/score/", views.assignment_score, name="score"),
    path("experts/", views_pool.pool, name="pool"),
    path("experts/add/", views_pool.expert_add, name="pool_add"),
    path("experts/<int:pk>/", views_pool.expert_edit, name="pool_edit"),
    path("experts/<int:pk>/password-link/", views_pool.expert_password_link, name="pool_password_link"),
    path("experts/password-links/", views_pool.experts_password_links, name="pool_password_links"),
    path("experts/import/", views_pool.experts_import, name="pool_import"),
    path("experts/template.xlsx", views_pool.experts_template, name="pool_template"),
    path("experts/export.xlsx", views_pool.experts_export, name="pool_export"),
    path("calls/<int:call_id>/", views_city.call_evaluation, name="call"),
    path("calls/<int:call_id>/settings/", views_pool.call_settings, name="settings"),
    path("calls/<int:call_id>/draw/", views_city.call_draw, name="draw"),
    path("calls/<int:call_id>/redraw/", views_city.call_redraw, name="redraw"),
    path("calls/<int:call_id>/quota/", views_city.call_quota, name="quota"),
    path("calls/<int:call_id>/selection/", views_city.call_selection_change, name="selection_change"),
]
