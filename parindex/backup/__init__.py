"""Backup and restore of one period: ``manage.py export_period`` and ``manage.py import_period``.

The format and what it holds: ``tables`` (and docs/operations.md, "Backups"). The export directory
holds password hashes and every unit's evidence: keep it as carefully as the database itself.
"""
