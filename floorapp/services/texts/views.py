"""What the status page says about texts: the number (its last digits), STOP, texts sent."""

from floorapp.services.texts import consent as consents
from floorapp.services.texts.delivery import sent_for


def for_status_page(request_id: int) -> dict:
    """Return the request's texts as the customer's page shows them."""
    consent = consents.for_request(request_id)
    return {
        "asked": consent is not None,
        "live": consent is not None and consent.number is not None
        and consent.opted_out_at is None,
        "stopped": consent is not None and consent.opted_out_at is not None,
        "last_digits": consent.last_digits if consent else "",
        "sent": sent_for(request_id),
    }
