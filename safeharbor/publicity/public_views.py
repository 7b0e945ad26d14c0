"""Public legal-publicity pages (/law/): the materials for residents, each with a QR code."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control

from safeharbor.intake.posters import qr_svg
from safeharbor.publicity import queries


@login_not_required
def material_list(request):
    return render(request, "publicity/public_list.html", {"materials": queries.public_materials()})


@login_not_required
def material_detail(request, code):
    material = queries.public_material(code)
    if material is None:
        raise Http404
    return render(request, "publicity/public_detail.html", {"material": material})


@login_not_required
def material_file(request, code):
    from django.http import FileResponse

    material = queries.public_material(code)
    if material is None or not material.file:
        raise Http404
    return FileResponse(material.file.open("rb"), filename=material.file.name.rsplit("/", 1)[-1])


@login_not_required
@cache_control(max_age=3600)
def material_qr(request, code):
    material = queries.public_material(code)
    if material is None:
        raise Http404
    url = request.build_absolute_uri(reverse("publicity_public:material", args=[material.code]))
    return HttpResponse(qr_svg(url), content_type="image/svg+xml")
