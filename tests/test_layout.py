"""The house's layout holds: the demo and benchmark generators stay out of the server."""

import subprocess
import sys

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
