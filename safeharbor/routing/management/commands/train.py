"""`safeharbor train`: train a new classifier version now and print its held-out metrics."""

from django.core.management.base import BaseCommand, CommandError

from safeharbor.core.errors import ActionError
from safeharbor.routing import actions


def _pct(value) -> str:
    return "-" if value is None else f"{value * 100:.1f} %"


class Command(BaseCommand):
    help = "Train the category classifier on the seed corpus and the confirmed matters, and activate it."

    def add_arguments(self, parser):
        parser.add_argument("--seed-dir", help="directory of <category code>.txt files (default: the shipped corpus)")
        parser.add_argument("--no-activate", action="store_true", help="keep the current model active")

    def handle(self, *args, seed_dir=None, no_activate=False, **options):
        try:
            row = actions.train_classifier(seed_dir=seed_dir, activate=not no_activate)
        except ActionError as exc:
            raise CommandError(str(exc.message)) from exc
        m = row.metrics
        h = m["heldout"]
        out = self.stdout
        out.write(f"Classifier v{row.version} {'(active)' if row.active else '(not activated)'}: {row.file}")
        out.write(f"  trained on {row.n_samples} texts ({m['n_seed']} seed, {m['n_matters']} confirmed matters), "
                  f"{row.n_categories} categories, {m['seconds']} s")
        out.write(f"  held-out ({h['n']} texts): top-1 {_pct(h['top1'])}  top-3 {_pct(h['top3'])}  "
                  f"macro-F1 {_pct(h['macro_f1'])}")
        weakest = sorted(((c, v) for c, v in h["per_category"].items() if v["support"]),
                         key=lambda item: item[1]["recall"])[:5]
        if weakest:
            out.write("  weakest recall: " + ", ".join(f"{code} {_pct(v['recall'])}" for code, v in weakest))
        for pair in h["confusions"][:5]:
            out.write(f"  confused: {pair['true']} → {pair['predicted']} ×{pair['count']}")
