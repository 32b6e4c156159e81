#!/usr/bin/env python
"""What one listing post with heavy photos costs a web worker: time and memory.

    .venv/bin/python benchmarks/bench_uploads.py [--photos 8] [--side 6300] [--format PNG]

Posts a new listing with ``--photos`` images of ``--side``×``--side`` pixels (solid colour, so
the files are small: 8 PNGs of 6300² are 131 KB each, the decompression-bomb-like upload of
issue 13) through the real view with Django's test client, in a fresh process on a throwaway
SQLite database, and prints the wall time, how far the process's memory (resident set size)
peaked above where it was before the request, and what the seller was told. No Postgres needed:
the cost is in decoding and re-encoding the images, not in the database.
"""

from __future__ import annotations

import argparse
import io
import json
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from support import RESULTS, configure_django, git_commit


def memory_mb(field: str) -> float:
    """``VmRSS`` (now) or ``VmHWM`` (the peak) of this process, from /proc (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def reset_peak_memory() -> None:
    """Start VmHWM afresh at the current size (Linux 4.0+), so that the peak measured is the
    request's, not that of the migrations before it."""
    Path("/proc/self/clear_refs").write_text("5")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--photos", type=int, default=8)
    parser.add_argument("--side", type=int, default=6300)
    parser.add_argument("--format", default="PNG", choices=["PNG", "JPEG", "WEBP", "GIF"])
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bazaar-bench-uploads-"))
    configure_django(
        f"sqlite:///{workdir / 'db.sqlite3'}",
        DJANGO_MEDIA_ROOT=str(workdir / "media"),
        DJANGO_ALLOWED_HOSTS="testserver",
    )
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse
    from PIL import Image

    from accounts.models import User
    from marketplace.models import Category, ListingImage

    call_command("migrate", verbosity=0)
    seller = User.objects.create_user("bench-seller", password="x")
    client = Client()
    client.force_login(seller)

    buffer = io.BytesIO()
    Image.new("RGB", (args.side, args.side), (200, 80, 40)).save(buffer, format=args.format)
    data = buffer.getvalue()
    extension = args.format.lower().replace("jpeg", "jpg")
    photos = [
        SimpleUploadedFile(f"photo{i}.{extension}", data, content_type=f"image/{extension}")
        for i in range(args.photos)
    ]
    form = {
        "title": "Heavy photos",
        "category": Category.objects.get(slug="home-garden").pk,
        "price": "10",
        "currency": "EUR",
        "condition": "good",
        "city": "Berlin",
        "description": "A table.",
        "action": "publish",
        "photos": photos,
    }
    client.get(reverse("home"))  # imports and first-request costs are not the upload's
    before = memory_mb("VmRSS")
    reset_peak_memory()
    started = time.perf_counter()
    response = client.post(reverse("listing_create"), form)
    elapsed = time.perf_counter() - started
    growth = memory_mb("VmHWM") - before

    if response.status_code == 302:
        outcome = f"saved with {ListingImage.objects.count()} photos"
    else:
        text = response.content.decode()
        errors = [
            line.strip()
            for line in text.splitlines()
            if "field-error" in line or "form-error" in line
        ]
        outcome = f"refused ({response.status_code}): " + " | ".join(errors)[:600]
    result = {
        "photos": args.photos,
        "side": args.side,
        "format": args.format,
        "file_kb": round(len(data) / 1024, 1),
        "seconds": round(elapsed, 2),
        "peak_rss_growth_mb": round(growth, 1),
        "outcome": outcome,
        "commit": git_commit(),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    print(
        f"{args.photos} {args.format} photos of {args.side}² ({result['file_kb']} KB each): "
        f"{elapsed:.2f} s, peak memory +{growth:.0f} MB; {outcome}"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "uploads.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
