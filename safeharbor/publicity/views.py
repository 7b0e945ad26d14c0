"""Staff pages of legal publicity: the library, activities and the figures."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from safeharbor.core import access
from safeharbor.core.errors import ActionError
from safeharbor.core.forms import add_action_error
from safeharbor.matters.forms import MultipleFileField
from safeharbor.publicity import actions, forms, queries


class ActivityForm(forms.ActivityForm):
    photos = MultipleFileField(label=_("Photos"))


def material_list(request):
    topic, audience = request.GET.get("topic", ""), request.GET.get("audience", "")
    return render(request, "publicity/material_list.html", {
        "materials": queries.material_list(request.user, topic=topic, audience=audience),
        "topics": access.visible_materials(request.user).values_list("topic", flat=True).distinct().order_by("topic"),
        "topic": topic, "can_write": access.can_write(request.user)})


def material_new(request):
    access.require_write(request.user)
    form = forms.MaterialForm(request.POST or None, request.FILES or None, user=request.user)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            material = actions.create_material(actor=request.user, **form.cleaned_data)
        except ActionError as exc:
            status = add_action_error(form, exc)
        else:
            messages.success(request, _("Material added to the library."))
            return redirect("publicity:material", material.pk)
    return render(request, "publicity/material_new.html", {"form": form}, status=status)


def material_detail(request, pk):
    material = access.get_visible_or_404(access.visible_materials(request.user), pk=pk)
    activities = access.visible_activities(request.user).filter(distributions__material=material)
    return render(request, "publicity/material_detail.html", {
        "material": material, "totals": queries.totals(activities),
        "public_url": request.build_absolute_uri(reverse("publicity_public:material", args=[material.code]))})


def activity_list(request):
    activities = queries.activity_list(request.user)
    return render(request, "publicity/activity_list.html", {
        "activities": activities[:200], "totals": queries.totals(access.visible_activities(request.user)),
        "can_write": access.can_write(request.user)})


def activity_new(request):
    access.require_write(request.user)
    form = ActivityForm(request.POST or None, request.FILES or None, user=request.user)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if not k.startswith("copies_")}
        try:
            activity = actions.record_activity(actor=request.user, copies=form.copies(), **data)
        except ActionError as exc:
            status = add_action_error(form, exc)
        else:
            messages.success(request, _("Activity recorded."))
            return redirect("publicity:activity", activity.pk)
    return render(request, "publicity/activity_new.html", {"form": form}, status=status)


def activity_detail(request, pk):
    activity = access.get_visible_or_404(
        access.visible_activities(request.user).select_related("organizer", "area", "harbor", "campaign"), pk=pk)
    return render(request, "publicity/activity_detail.html", {
        "activity": activity, "distributions": activity.distributions.select_related("material"),
        "photos": activity.photos.all(), "other_units": activity.units.all(),
        "campaign_visible": bool(activity.campaign_id and access.visible_campaigns(request.user)
                                 .filter(pk=activity.campaign_id).exists())})


def activity_photo(request, pk):
    from django.http import FileResponse

    from safeharbor.publicity.models import ActivityPhoto

    photo = access.get_visible_or_404(
        ActivityPhoto.objects.filter(activity__in=access.visible_activities(request.user)), pk=pk)
    return FileResponse(photo.file.open("rb"), filename=photo.name)


def figures(request):
    form = forms.FigureForm(request.GET or None)
    by, start, end = "unit", None, None
    if form.is_valid():
        by = form.cleaned_data["by"] or "unit"
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    activities = queries.filter_period(access.visible_activities(request.user), start, end)
    return render(request, "publicity/figures.html", {
        "form": form, "rows": queries.figures(request.user, by=by, start=start, end=end),
        "totals": queries.totals(activities), "materials": queries.material_copies(activities), "by": by})
