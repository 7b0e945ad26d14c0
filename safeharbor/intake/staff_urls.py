"""Staff pages of intake, mounted at /intake/."""

from django.urls import path

from safeharbor.intake import staff_views

app_name = "intake"
urlpatterns = [
    path("harbors/<slug:code>/poster/", staff_views.poster, name="poster"),
    path("harbors/<slug:code>/poster.png", staff_views.poster_png, name="poster_png"),
    path("harbors/<slug:code>/poster.svg", staff_views.poster_svg, name="poster_svg"),
    path("harbors/<slug:code>/poster.pdf", staff_views.poster_pdf, name="poster_pdf"),
    path("hotline/", staff_views.hotline, name="hotline"),
    path("hotline/caller/", staff_views.same_caller, name="same_caller"),
    path("patrol/", staff_views.patrol, name="patrol"),
    path("patrol/matters/<int:pk>/visit/", staff_views.visit, name="visit"),
    path("walk-in/", staff_views.walk_in, name="walk_in"),
    path("matters/<int:pk>/publication/", staff_views.publication, name="publication"),
    path("matters/<int:pk>/publication/withdraw/", staff_views.withdraw, name="withdraw"),
    path("import/", staff_views.import_matters, name="import"),
    path("import/<int:pk>/", staff_views.import_batch, name="import_batch"),
]
