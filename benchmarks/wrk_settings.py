"""Production settings plus the one-line view, for the wrk run of the pages (wrk_pages.sh).

The baseline must go through the same server, workers and middleware as the pages it is
compared with, so the only difference from production is the URLconf that adds it.
"""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "baseline_urls"
