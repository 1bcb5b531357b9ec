"""The browser scripts are ES modules of this origin, and the service worker precaches every
module the associate's pages load (a page opened in a dead spot finds all its imports)."""

import re
from pathlib import Path

from floorapp.web.pwa import SHELL_FILES, shell_urls

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "static" / "js"
TEMPLATES = ROOT / "templates"
IMPORT = re.compile(r'^import [^;]* from "\./([\w-]+\.js)";$', re.MULTILINE)
SCRIPT_TAG = re.compile(r"<script[^>]*>")
# The customer's pages are outside the associate app: never shown from its cache.
CUSTOMER_SCRIPTS = {"customer-product.js", "customer-status.js", "customer-push.js",
                    "customer-check.js", "customer-check-scanner.js"}


def _imports(name: str) -> set[str]:
    return set(IMPORT.findall((SCRIPTS / name).read_text()))


def _loaded_by(entry: str) -> set[str]:
    """Return the module and everything it imports, directly or not."""
    seen, todo = set(), [entry]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(_imports(name))
    return seen


def test_every_page_loads_its_scripts_as_modules_from_this_origin():
    tags = [tag for path in TEMPLATES.rglob("*.html")
            for tag in SCRIPT_TAG.findall(path.read_text())]
    assert tags and all('type="module"' in tag and "url_for('static'" in tag for tag in tags)


def test_the_scripts_are_modules_without_globals():
    for path in SCRIPTS.glob("*.js"):
        text = path.read_text()
        assert not re.search(r"^\s*var ", text, re.MULTILINE), path.name
        # a module is strict and has its own scope: no "use strict", no wrapping function
        assert '"use strict"' not in text and "(function" not in text, path.name
        assert "window.floorapp" not in text and not re.search(r"window\.\w+ =", text), path.name
        for name in _imports(path.name):
            assert (SCRIPTS / name).exists(), f"{path.name} imports a missing {name}"


def test_the_service_worker_precaches_every_module_of_the_associate_app():
    associate_entries = {path.name for path in SCRIPTS.glob("*.js")} - CUSTOMER_SCRIPTS
    loaded = set().union(*(_loaded_by(entry) for entry in associate_entries))
    assert {f"js/{name}" for name in loaded} <= set(SHELL_FILES)
    assert all((ROOT / "static" / name).exists() for name in SHELL_FILES)
    assert "/static/js/outbox.js" in shell_urls()


def test_the_customer_sign_script_needs_no_other_module():
    assert _imports("customer-product.js") == set()  # one small file on the customer's page
