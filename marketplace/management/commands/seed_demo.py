"""``manage.py seed_demo``: fill the database with a believable demo marketplace.

Idempotent: on a database that already has the demo it changes nothing and says so, so that
``make run`` and the web container can run it at every start. ``--reset`` removes exactly the
demo (people marked ``is_demo`` and what they posted) and seeds it again.
"""

from __future__ import annotations

import os
import secrets
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from marketplace.ab_tests import assistant_group, start_demo_experiments
from marketplace.demo.generate import build_plan
from marketplace.demo.progress import ProgressBar
from marketplace.demo.seeding import (
    ADMIN_USERNAME,
    create_admin,
    delete_demo_data,
    demo_counts,
    seed_demo_data,
)

DEV_ADMIN_PASSWORD = "bazaar-admin"
DEV_SELLER_PASSWORD = "bazaar-demo"


class Command(BaseCommand):
    help = (
        "Seed a demo marketplace: people, listings with photos, favourites and conversations, "
        "plus a staff account 'admin'. Does nothing if the demo is already there. With DEBUG "
        "on, the admin password is 'bazaar-admin' and demo sellers share 'bazaar-demo'; with "
        "DEBUG off, the admin and the demo sellers get random passwords that are printed once "
        "(even at --verbosity 0). DEMO_ADMIN_PASSWORD and DEMO_SELLER_PASSWORD override them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=42, help="Same seed, same demo.")
        parser.add_argument("--listings", type=int, default=360)
        parser.add_argument("--users", type=int, default=36)
        parser.add_argument("--no-images", action="store_true", help="Skip drawing photos.")
        parser.add_argument(
            "--reset", action="store_true", help="Delete the demo data first, then seed again."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["listings"] < 1 or options["users"] < 2:
            raise CommandError("Ask for at least 1 listing and 2 users.")
        self.verbosity = options["verbosity"]
        started = time.monotonic()

        if options["reset"]:
            deleted = delete_demo_data()
            self._say(f"Deleted the demo data: {deleted}.")
        elif User.objects.filter(is_demo=True).exists():
            self._say(
                f"The demo data is already there ({demo_counts()}); nothing to do. "
                "Use --reset to rebuild it."
            )
            self._admin()
            self._seller_login()
            return

        seller_password, seller_password_source = self._new_seller_password()
        plan = build_plan(options["seed"], options["users"], options["listings"])
        with_photos = not options["no_images"]
        photos = sum(len(listing.photos) for listing in plan.listings) if with_photos else 0
        self._say(
            f"Seeding {len(plan.users)} users and {len(plan.listings)} listings"
            f"{f' with {photos} photos' if photos else ''} (seed {options['seed']}). This "
            "happens once, on the first start"
            + (
                f": drawing the photos is most of it, on {os.cpu_count() or 1} cores "
                "(--no-images skips them)."
                if photos
                else "."
            )
        )
        bar = ProgressBar(
            self.stdout, total=len(plan.listings), label="listings", enabled=self.verbosity > 0
        )
        counts = seed_demo_data(
            plan,
            with_photos=with_photos,
            seller_password=seller_password,
            progress=bar.update,
        )
        bar.finish()
        self._say(f"Seeded {counts} in {time.monotonic() - started:.1f} s.", self.style.SUCCESS)
        for experiment in start_demo_experiments():
            self._say(f"Started the experiment '{experiment.key}' ({experiment.name}).")
        self._admin()
        self._seller_login(new=(seller_password, seller_password_source))

    def _new_seller_password(self) -> tuple[str, str]:
        """The demo sellers' shared password and where it comes from ("env", "debug" or
        "random"). A site with DEBUG off never gets the published one: anyone could log in as
        the demo's sellers there."""
        from_env = os.environ.get("DEMO_SELLER_PASSWORD", "")
        if from_env:
            return from_env, "env"
        if settings.DEBUG:
            return DEV_SELLER_PASSWORD, "debug"
        return secrets.token_urlsafe(12), "random"

    def _admin(self) -> None:
        from_env = os.environ.get("DEMO_ADMIN_PASSWORD", "")
        if settings.DEBUG:
            password = from_env or DEV_ADMIN_PASSWORD
        else:
            password = from_env or secrets.token_urlsafe(12)
        if create_admin(password):
            message = f"Admin login: {ADMIN_USERNAME} / {password}  (at /admin/)"
            if settings.DEBUG:
                self._say(message)
            elif from_env:
                self._say(f"Created '{ADMIN_USERNAME}' with the password in DEMO_ADMIN_PASSWORD.")
            else:
                # Whatever the verbosity: a random password is shown this once and never again.
                self.stdout.write(f"{message}. Note it now: it is not shown again.")
            return
        admin = User.objects.get(username=ADMIN_USERNAME)
        if settings.DEBUG and admin.check_password(password):
            self._say(f"Admin login: {ADMIN_USERNAME} / {password}  (at /admin/)")
        else:
            self._say(
                f"The account '{ADMIN_USERNAME}' already exists. To set a new password: "
                f"python manage.py changepassword {ADMIN_USERNAME}"
            )

    def _seller_login(self, new: tuple[str, str] | None = None) -> None:
        """Say how to log in as a demo seller: with ``new`` (password, source) just after seeding,
        else from what the existing demo's accounts accept."""
        sellers = User.objects.filter(is_demo=True, last_name__gt="").order_by("pk")
        seller = sellers.first()
        if seller is None:
            return
        # Suggest a seller who gets the listing assistant, so a newcomer sees it at once.
        with_assistant = next((s for s in sellers if assistant_group(s.pk) == "treatment"), None)
        example = with_assistant or seller
        as_whom = f"for example as '{example.username}'" + (
            " (who has the listing assistant)" if with_assistant else ""
        )
        from_env = os.environ.get("DEMO_SELLER_PASSWORD", "")
        if new is not None:
            password, source = new
            if source == "random":
                # Whatever the verbosity: a random password is shown this once and never again.
                self.stdout.write(
                    f"Demo sellers log in with the password '{password}', {as_whom}. "
                    "Note it now: it is not shown again."
                )
            elif source == "env":
                self._say(
                    f"Demo sellers log in with the password in DEMO_SELLER_PASSWORD, {as_whom}."
                )
            else:
                self._say(f"Demo sellers log in with the password '{password}', {as_whom}.")
        elif not seller.has_usable_password():
            self._say(
                "Demo sellers cannot log in (the demo was seeded without a password for them); "
                "seed_demo --reset seeds it again with one."
            )
        elif settings.DEBUG and seller.check_password(DEV_SELLER_PASSWORD):
            self._say(f"Demo sellers log in with the password '{DEV_SELLER_PASSWORD}', {as_whom}.")
        elif from_env and seller.check_password(from_env):
            self._say(f"Demo sellers log in with the password in DEMO_SELLER_PASSWORD, {as_whom}.")
        else:
            self._say(
                "Demo sellers log in with the password printed when the demo was seeded, "
                f"{as_whom}."
            )

    def _say(self, message: str, style: Any = None) -> None:
        if self.verbosity > 0:
            self.stdout.write(message, style)
