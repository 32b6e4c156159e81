"""Drive synthetic units through an experiment with a known true effect.

    python manage.py simulate_traffic --experiment ai_search --units 20000 \\
        --effect contact_rate=0.10 --baseline contact_rate=0.08 --seed 7
    python manage.py simulate_traffic --experiment ai_search --clear

``--backdate --days 14`` moves a young experiment's start back 14 days first, so the simulated
people spread over two weeks (recorded in the experiment's history).
"""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from experiments.models import Experiment
from experiments.simulation import SimulationPlan, clear_simulated, simulate


def parse_pairs(pairs: list[str], option: str) -> dict[str, float]:
    parsed = {}
    for pair in pairs:
        key, sep, number = pair.partition("=")
        try:
            if not sep:
                raise ValueError
            parsed[key.strip()] = float(number)
        except ValueError:
            raise CommandError(
                f"{option} takes METRIC=NUMBER, e.g. {option} contact_rate=0.1; got {pair!r}"
            ) from None
    return parsed


class Command(BaseCommand):
    help = "Simulate visitors in an experiment (simulated rows are marked and can be cleared)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--experiment",
            required=True,
            help="An experiment's key, or a feature (then its running iteration).",
        )
        parser.add_argument(
            "--units",
            type=int,
            default=0,
            help="How many synthetic units (at most 1,000,000; 10,000 with --through-site).",
        )
        parser.add_argument(
            "--effect",
            action="append",
            default=[],
            metavar="METRIC=LIFT",
            help=(
                "True relative lift of a metric in every non-control variant (0.1 = +10%%; "
                "above -1, at most 10)."
            ),
        )
        parser.add_argument(
            "--baseline",
            action="append",
            default=[],
            metavar="METRIC=VALUE",
            help=(
                "Control's rate (conversion, 0 to 1), mean count (count, 0 to 50) or mean value "
                "(sum) per unit."
            ),
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--days",
            type=int,
            default=14,
            help=(
                "Spread exposures over this many past days (1 to 365), within the time since "
                "the experiment started (see --backdate)."
            ),
        )
        parser.add_argument(
            "--backdate",
            action="store_true",
            help=(
                "If the experiment started less than --days ago, move its start back to --days "
                "ago first, so the simulated people spread over all the days and the lift chart "
                "has a point per day. Recorded in the experiment's history; for simulated "
                "history only."
            ),
        )
        parser.add_argument(
            "--through-site",
            action="store_true",
            help=(
                "Send each unit through the site's own views (Django's test client), so the "
                "views' exposures and tracking are what is tested. Slow: for a few hundred units."
            ),
        )
        parser.add_argument(
            "--pre-exposure",
            action="store_true",
            help=(
                "Also write each unit's events over the experiment's CUPED lookback before its "
                "exposure, correlated with what it does after (a propensity per unit drives "
                "both), so CUPED has history to use. Not with --through-site."
            ),
        )
        parser.add_argument(
            "--clear", action="store_true", help="Delete this experiment's simulated rows."
        )

    def handle(self, *args, **options) -> None:
        # An experiment's key, or a feature: its running (or paused) iteration.
        experiment = (
            Experiment.objects.filter(key=options["experiment"]).first()
            or Experiment.objects.live().on_feature(options["experiment"]).first()
        )
        if experiment is None:
            keys = ", ".join(Experiment.objects.values_list("key", flat=True)) or "none"
            raise CommandError(f"No experiment {options['experiment']!r}. Experiments: {keys}.")
        if options["clear"]:
            exposures, events = clear_simulated(experiment)
            self.stdout.write(
                f"Removed {exposures} simulated exposures and {events} simulated events."
            )
            if not options["units"]:
                return
        if options["units"] <= 0:
            raise CommandError("Say how many units to simulate with --units N (or --clear).")

        plan = SimulationPlan(
            experiment=experiment,
            units=options["units"],
            seed=options["seed"],
            effects=parse_pairs(options["effect"], "--effect"),
            baselines=parse_pairs(options["baseline"], "--baseline"),
            days=options["days"],
            through_site=options["through_site"],
            pre_exposure=options["pre_exposure"],
            backdate=options["backdate"],
        )
        started = time.monotonic()
        try:
            report = simulate(plan, progress=self._progress(plan.units, options["verbosity"]))
        except ValueError as error:
            raise CommandError(str(error)) from None
        elapsed = time.monotonic() - started
        split = ", ".join(f"{key} {count}" for key, count in sorted(report.per_variant.items()))
        how = " through the site" if plan.through_site else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Simulated {report.units} units{how} in {elapsed:.1f}s: {report.exposed} exposed "
                f"({split}), {report.events} events. These rows are marked simulated."
            )
        )
        if report.backdated_from is not None:
            self.stdout.write(
                f"Moved the start of {experiment.key!r} back from "
                f"{timezone.localtime(report.backdated_from):%Y-%m-%d %H:%M} to {plan.days} days "
                "ago, for a simulated history (recorded in its history)."
            )
        if plan.through_site and report.exposed < report.units:
            self.stdout.write(
                f"{report.units - report.exposed} units were not exposed: the site did not put "
                "them in the experiment (its coverage, a flag that hid the feature, a failure)."
            )
        if report.not_driven:
            self.stdout.write(
                "No page records " + ", ".join(sorted(report.not_driven)) + ": not simulated."
            )
        for problem in dict.fromkeys(report.problems):
            self.stderr.write(self.style.WARNING(f"Problem: {problem}"))

    def _progress(self, total: int, verbosity: int):
        interactive = sys.stdout.isatty()
        last_tenth = [-1]

        def show(done: int) -> None:
            if verbosity == 0:
                return
            if interactive:
                filled = int(30 * done / total)
                self.stdout.write(
                    f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total}", ending=""
                )
                if done == total:
                    self.stdout.write("")
            elif done * 10 // total > last_tenth[0]:
                last_tenth[0] = done * 10 // total
                self.stdout.write(f"{done}/{total} units")

        return show
