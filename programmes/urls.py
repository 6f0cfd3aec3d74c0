from django.contrib.auth.decorators import login_required
from django.urls import path

from programmes import views, views_calls

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/new/", login_required(views.notice_create), name="notice_create"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/edit/", login_required(views.notice_edit), name="notice_edit"),
    path("notices/<int:pk>/attachments/<int:attachment_id>/", views.notice_attachment, name="notice_attachment"),
    path("calls/", views.call_list, name="call_list"),
    path("calls/<int:pk>/", views.call_detail, name="call_detail"),
    path("calls/<int:pk>/copy/", login_required(views_calls.call_copy_page), name="call_copy"),
    path("calls/<int:pk>/edit/", login_required(views_calls.call_edit_page), name="call_edit"),
]
