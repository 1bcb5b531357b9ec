"""The house's layout holds: the demo and benchmark generators stay out of the server,
and the handlers leave the transaction to the services."""

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "floorapp"
# The app's error boundary: an unexpected failure (500) or a lost database (503).
ERROR_BOUNDARY = {("web/errors.py", "_unexpected_error"),
                  ("web/errors.py", "_database_unavailable")}
# Still reading by key in the handler's module: moved to the services by their own change.
READS_TO_MOVE = {"api/callers.py", "api/queue.py"}

CHECK = """
import sys
from floorapp import create_app
create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "x", "TICK_INTERVAL_S": 0})
print(",".join(sorted(m for m in sys.modules if m.startswith("floorapp.demo"))))
"""


def test_creating_the_app_imports_no_demo_module():
    found = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True,
                           check=True, timeout=60)
    assert found.stdout.strip() == ""


def _handler_modules():
    for folder in ("web", "api"):
        for path in sorted((PACKAGE / folder).rglob("*.py")):
            yield path.relative_to(PACKAGE).as_posix(), ast.parse(path.read_text())


def test_no_handler_rolls_the_session_back():
    """A refusing service rolls back itself (services/core/transactions.py `rolls_back`)."""
    found = []
    for name, tree in _handler_modules():
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if (name, function.name) in ERROR_BOUNDARY:
                continue
            for node in ast.walk(function):
                if (isinstance(node, ast.Attribute) and node.attr == "rollback"
                        and ast.unparse(node.value) == "db.session"):
                    found.append(f"{name}:{node.lineno} {function.name}")
    assert found == []


def test_no_view_reads_the_session_by_key():
    """Lookups by id live in the services, which raise NotFound (e.g. catalog.get_variant)."""
    found = [f"{name}:{node.lineno}" for name, tree in _handler_modules()
             if name not in READS_TO_MOVE for node in ast.walk(tree)
             if isinstance(node, ast.Attribute) and node.attr in ("get", "scalar", "execute")
             and ast.unparse(node.value) == "db.session"]
    assert found == []
