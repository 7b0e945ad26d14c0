"""Staff pages of the routing app (mounted at /routing/)."""

from django.urls import path

from safeharbor.routing import views

app_name = "routing"
urlpatterns = [
    path("", views.model_list, name="models"),
    path("retrain/", views.retrain, name="retrain"),
    path("models/<int:version>/activate/", views.activate, name="activate"),
    path("rules/", views.rule_list, name="rules"),
    path("rules/<int:pk>/remove/", views.rule_remove, name="rule_remove"),
    path("auto-dispatch/", views.auto_dispatch_settings, name="auto_dispatch"),
    path("matters/<int:pk>/accept/", views.accept, name="accept"),
]
