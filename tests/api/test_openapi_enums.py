"""Every enum of the OpenAPI document is a vocabulary the models and services use.

A new enum in the document must be added to VOCABULARIES with where its values come from,
so the document can never list a status, an outcome or a scope the code does not know.
"""

from floorapp.models import (
    OPEN_STATUSES,
    Author,
    Availability,
    Need,
    Outcome,
    PullStatus,
    Status,
)
from floorapp.services.help.intake import LANGUAGES
from floorapp.services.help.sla import SlaState
from floorapp.services.inventory.customer_view import SIZE_WORDS
from floorapp.services.inventory.pulls import PULL_MOVES
from floorapp.services.metrics.store_rollup_figures import WAIT_SECTIONS
from floorapp.services.org.tokens import SCOPES

# property name → the value lists the document may give it
VOCABULARIES = {
    "need": [[need.value for need in Need]],
    "status": [[status.value for status in Status],
               [status.value for status in OPEN_STATUSES],
               [status.value for status in PullStatus],
               [status.value for status in PULL_MOVES]],
    "outcome": [[*(outcome.value for outcome in Outcome), None],
                [outcome.value for outcome in Outcome if outcome is not Outcome.SPAM]],
    "availability": [[availability.value for availability in Availability],
                     list(SIZE_WORDS)],  # an associate's; a size's in the price check
    "language": [list(LANGUAGES)],
    "sla": [[state.value for state in SlaState]],
    "author": [[author.value for author in Author]],  # a thread message's
    "items": [[*WAIT_SECTIONS, "previous"]],  # a dashboard's sections from the roll-ups
}


def _enums(node, name=None):
    """Yield (the key it sits under, its values) for every enum under `node`."""
    if isinstance(node, dict):
        if "enum" in node:
            yield name, node["enum"]
        for key, child in node.items():
            yield from _enums(child, key)
    elif isinstance(node, list):
        for child in node:
            yield from _enums(child, name)


def _documented(client) -> list[tuple[str, list]]:
    return list(_enums(client.get("/api/v1/openapi.json").json))


def test_every_enum_in_the_openapi_document_is_a_model_vocabulary(client):
    documented = _documented(client)
    assert documented
    for name, values in documented:
        assert values in VOCABULARIES.get(name, []), f"{name}: {values}"


def test_every_model_vocabulary_is_used_by_the_openapi_document(client):
    documented = _documented(client)
    for name, vocabularies in VOCABULARIES.items():
        for values in vocabularies:
            assert (name, values) in documented, f"{name}: {values} is not documented"


def test_the_token_scheme_names_every_token_scope(client):
    schemes = client.get("/api/v1/openapi.json").json["components"]["securitySchemes"]
    assert f"scopes {', '.join(SCOPES)})" in schemes["bearerToken"]["description"]
