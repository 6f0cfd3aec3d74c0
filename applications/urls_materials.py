# Material upload/download/delete URLs (owned by the materials work); included by applications/urls.py.
urlpatterns = []
