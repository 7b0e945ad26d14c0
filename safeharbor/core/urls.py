from django.contrib.auth import views as auth_views
from django.urls import path

from safeharbor.core import metrics, views

urlpatterns = [
    path("desk/", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/login/code/", views.login_code, name="login_code"),
    path("accounts/two-factor/", views.two_factor, name="two_factor"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("areas/", views.area_list, name="area_list"),
    path("areas/<int:pk>/", views.area_detail, name="area_detail"),
    path("units/", views.unit_list, name="unit_list"),
    path("harbors/", views.harbor_list, name="harbor_list"),
    path("harbors/<slug:code>/", views.harbor_detail, name="harbor_detail"),
    path("people/", views.user_list, name="user_list"),
    path("reveal/<str:label>/<int:pk>/<str:field>/", views.reveal, name="reveal"),
    path("audit/", views.audit_list, name="audit_list"),
]
