# Public URLs of the applications app (the /verify/<digest> page); included at the site root.
urlpatterns = []
