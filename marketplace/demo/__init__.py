"""Demo data for Bazaar: a believable marketplace generated from a seed.

``data`` holds the vocabularies, ``generate`` turns a seed into a plan (pure Python, no
database), ``images`` draws the photos and ``seeding`` writes a plan to the database.
``manage.py seed_demo`` and the page benchmark both build on these.
"""
