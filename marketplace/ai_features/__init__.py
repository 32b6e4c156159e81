"""The marketplace's AI features, one folder each, found by ``llm`` (``llm.features``).

- ``listing_assistant/``: from a seller's rough text, a draft of the ad;
- ``listing_enrichment/``: a published listing classified, its attributes found, and screened;
- ``search_query/``: a buyer's words turned into filters and keywords;
- ``description_judge/``: a real model's grades of the ads the assistant writes (evaluation).

Each folder holds the prompt (``prompt.toml``), the schemas, the datasets and the registration
(``__init__.py``). What they share is here beside them: the catalogue in the prompts' shapes
(``schemas.py``), what the site gives every call (``site.py``), the offline model that is their
baseline (``offline/``) and how their answers are scored (``scoring.py``). The datasets' story
and rules are in ``DATASETS.md``.
"""
