"""Queue enrichment jobs for listings, or run them here and now.

python manage.py enrich_listings --all            # every live listing whose content changed
python manage.py enrich_listings --ids 12 40 --force --sync
"""

from __future__ import annotations

from collections import Counter

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from marketplace.enrichment import queue_enrichment, run_enrichment
from marketplace.models import Listing


class Command(BaseCommand):
    help = "Enrich listings with the listing_enrichment prompt (in the background, or --sync)."

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--all", action="store_true", help="Every live listing.")
        which.add_argument("--ids", nargs="+", type=int, metavar="ID", help="These listings.")
        parser.add_argument(
            "--sync", action="store_true", help="Run the jobs in this process, one by one."
        )
        parser.add_argument(
            "--force", action="store_true", help="Enrich even listings that have not changed."
        )

    def handle(self, *args, **options) -> None:
        listings = Listing.objects.active().select_related("category").order_by("pk")
        if options["ids"]:
            listings = listings.filter(pk__in=options["ids"])
            missing = set(options["ids"]) - set(listings.values_list("pk", flat=True))
            if missing:
                raise CommandError(
                    f"No live listing with id {', '.join(map(str, sorted(missing)))}."
                )
        queued, unchanged = [], 0
        for listing in listings.iterator(chunk_size=500):
            with transaction.atomic():
                job = queue_enrichment(listing, force=options["force"], enqueue=not options["sync"])
            if job is None:
                unchanged += 1
            else:
                queued.append(job.pk)
        if not options["sync"]:
            self.stdout.write(
                f"Queued {len(queued)} enrichment jobs; {unchanged} listings unchanged, skipped."
            )
            return
        outcomes: Counter[str] = Counter()
        for done, job_id in enumerate(queued, start=1):
            outcomes[run_enrichment(job_id, may_retry=False).status] += 1
            if options["verbosity"] and (done % 50 == 0 or done == len(queued)):
                self.stdout.write(f"{done}/{len(queued)} jobs run")
        summary = ", ".join(f"{count} {status}" for status, count in sorted(outcomes.items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"Ran {len(queued)} jobs ({summary or 'none'}); {unchanged} listings unchanged."
            )
        )
