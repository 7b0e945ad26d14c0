"""Staff pages of the insights app (mounted at /insights/)."""

from django.urls import path

from safeharbor.insights import views

app_name = "insights"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.<str:fmt>", views.dashboard_export, name="dashboard_export"),
    path("methods/", views.methods, name="methods"),
    path("rankings/", views.rankings, name="rankings"),
    path("rankings/export.<str:fmt>", views.rankings_export, name="rankings_export"),
    path("rankings/weights/", views.rankings_weights, name="rankings_weights"),
    path("hotspots/", views.hotspots, name="hotspots"),
    path("hotspots.geojson", views.hotspots_geojson, name="hotspots_geojson"),
    path("places/", views.places, name="places"),
    path("matters/", views.figure_matters, name="matters"),
    path("cards/", views.card_index, name="card_index"),
    path("cards/<str:kind>/<int:pk>/", views.card, name="card"),
    path("cards/<str:kind>/<int:pk>/card.pdf", views.card_pdf, name="card_pdf"),
    path("cards/<str:kind>/<int:pk>/card.xlsx", views.card_xlsx, name="card_xlsx"),
]
