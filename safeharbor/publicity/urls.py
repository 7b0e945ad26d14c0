"""Staff pages of the publicity app (mounted at /publicity/)."""

from django.urls import path

from safeharbor.publicity import views

app_name = "publicity"
urlpatterns = [
    path("", views.activity_list, name="activities"),
    path("activities/new/", views.activity_new, name="activity_new"),
    path("activities/<int:pk>/", views.activity_detail, name="activity"),
    path("photos/<int:pk>/", views.activity_photo, name="photo"),
    path("materials/", views.material_list, name="materials"),
    path("materials/new/", views.material_new, name="material_new"),
    path("materials/<int:pk>/", views.material_detail, name="material"),
    path("figures/", views.figures, name="figures"),
]
