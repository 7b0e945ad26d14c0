"""Demo data of the insights app: the ranking weights (Beijing's 接诉即办 default), and the
figures rollups built from the demo matters (the demo history is written in bulk, without
matter events, so its days are computed here; a second run recomputes the same rows)."""

from safeharbor.insights import rollups
from safeharbor.insights.models import RankingWeights, Rollup


def load_demo() -> str:
    row, created = RankingWeights.objects.get_or_create(pk=1)
    weights = (f"Ranking weights set to the 接诉即办 default ({row})." if created
               else f"Ranking weights already set ({row}).")
    before = set(Rollup.objects.filter(grain=Rollup.Grain.DAY).values_list("day", "area_path", "received"))
    counts = rollups.rebuild()
    after = set(Rollup.objects.filter(grain=Rollup.Grain.DAY).values_list("day", "area_path", "received"))
    figures = ("figures rollups unchanged" if before == after
               else f"figures rollups built for {counts['matters']} matters ({counts['days']} day rows)")
    return f"{weights} {figures}."
