"""Public pages for residents (no account). Mounted at the site root; the staff home is /desk/."""

from django.urls import path

from safeharbor.intake import public_views

app_name = "public"
urlpatterns = [
    path("", public_views.home, name="home"),
    path("map/areas.json", public_views.area_map, name="area_map"),
    path("language/", public_views.set_language, name="set_language"),
    path("report/", public_views.report, name="report"),
    path("report/<slug:harbor_code>/", public_views.report, name="report_harbor"),
    path("receipt/", public_views.receipt, name="receipt"),
    path("track/", public_views.track, name="track"),
    path("track/<str:code>/", public_views.track_detail, name="track_detail"),
    path("track/<str:code>/info/", public_views.track_info, name="track_info"),
    path("track/<str:code>/follow-up/", public_views.track_follow_up, name="track_follow_up"),
    path("track/<str:code>/photos/<int:pk>/", public_views.track_photo, name="track_photo"),
    path("board/", public_views.board, name="board"),
    path("board/<int:pk>/", public_views.board_detail, name="board_detail"),
    path("board/<int:pk>/me-too/", public_views.me_too, name="me_too"),
]
