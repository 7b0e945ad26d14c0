"""Demo data of the insights app: the ranking weights (Beijing's 接诉即办 default). The
figures themselves are computed from the demo matters; nothing else to load."""

from safeharbor.insights.models import RankingWeights


def load_demo() -> str:
    row, created = RankingWeights.objects.get_or_create(pk=1)
    if not created:
        return f"Ranking weights already set ({row}); nothing changed."
    return f"Ranking weights set to the 接诉即办 default ({row})."
