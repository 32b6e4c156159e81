"""python manage.py sync_site: the database's rows that come from code (marketplace/site.py)."""

from typing import Any

from django.core.management.base import BaseCommand

from marketplace.site import sync_site


class Command(BaseCommand):
    help = (
        "Create what the code defines and the database has not: the catalogue's categories, a "
        "version of each AI feature's prompt, the experiments (drafts), metrics and flags. Runs "
        "after every migrate too; what exists is left as the admin left it."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = sync_site()
        created = [item.version for item in report.prompts if item.created]
        lines = [
            f"categories: {', '.join(report.categories) or 'none new'}",
            f"prompt versions: {', '.join(map(str, created)) or 'none new'}",
            f"experiments: {', '.join(e.key for e in report.experiments) or 'none new'}",
        ]
        self.stdout.write("\n".join(lines))
