"""The rulebook imports nothing from Django (house style §1): proven in a clean interpreter."""

import ast
import subprocess
import sys
from pathlib import Path

import parindex.rulebook

PACKAGE = Path(parindex.rulebook.__file__).parent


def test_no_rulebook_module_imports_django():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "django"]
    assert offenders == []


def test_loading_and_scoring_leaves_django_unimported():
    code = (
        "import sys\n"
        "from parindex.rulebook import registry, cli, evaluate\n"
        "sets = registry.shipped_sets()\n"
        "assert sets\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
