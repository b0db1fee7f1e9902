# Being written.
urlpatterns = []
