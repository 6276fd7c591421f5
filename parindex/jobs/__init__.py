"""Background jobs: long work (large imports, PDF reports, invitations) run by a worker, with progress.

The rest of parindex uses only ``parindex.jobs.services`` (``start``, ``progress``, ``Output``, ``handler``);
docs/operations.md "Background jobs" says how to add a kind of job and how to run the worker.
"""
