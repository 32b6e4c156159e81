"""Offline evaluation: datasets of cases, runs of a prompt version over them, scores, comparison.

See docs/evaluation.md. The pieces, each a module:

- ``models``: ``EvalDataset`` (a versioned set of cases loaded from a JSONL file), ``EvalCase``,
  ``EvalRun`` (a prompt version, provider and model over a dataset) and ``EvalResult``;
- ``datasets``: reading and checking JSONL files (``load_eval_dataset``);
- ``scoring``: pure functions that score one answer against what was expected;
- ``summary``: pure functions that turn the results of a run into its figures;
- ``execution``: running the cases, in threads in this process or as Celery tasks;
- ``services``: the writes (loading a dataset, creating, finishing, cancelling a run).

Everything particular to a feature (what its cases expect, how they are scored, what the site
gives every case, its figures, its judge) comes from the feature (``llm.features``). A run keeps
the site input it was given, so it can be read (and compared) after the site changes.
"""
