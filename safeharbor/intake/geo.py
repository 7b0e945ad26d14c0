"""Points and the installation's own area geometry (GeoJSON polygons): no map service."""

from safeharbor.core.models import Area
from safeharbor.lib.memo import memo


def _point_in_ring(lon: float, lat: float, ring) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / ((yj - yi) or 1e-12) + xi:
            inside = not inside
        j = i
    return inside


def contains(geometry: dict | None, lat: float, lon: float) -> bool:
    if not geometry:
        return False
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    for polygon in polygons:
        if polygon and _point_in_ring(lon, lat, polygon[0]) and not any(
            _point_in_ring(lon, lat, hole) for hole in polygon[1:]
        ):
            return True
    return False


@memo(seconds=300, clear_on=(Area,))
def _areas():
    return list(
        Area.objects.exclude(geometry__isnull=True).order_by("-depth").values_list("pk", "depth", "geometry")
    )


def deepest_area_containing(lat: float, lon: float) -> Area | None:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    for pk, _depth, geometry in _areas():  # deepest first
        if contains(geometry, lat, lon):
            return Area.objects.get(pk=pk)
    return None


def district_geojson() -> dict:
    """A FeatureCollection of the areas down to communities, for the public map."""
    features = []
    for area in Area.objects.exclude(geometry__isnull=True).filter(depth__lte=3).order_by("path"):
        features.append({
            "type": "Feature", "geometry": area.geometry,
            "properties": {"id": area.pk, "name": area.name, "level": area.level, "depth": area.depth},
        })
    return {"type": "FeatureCollection", "features": features}
