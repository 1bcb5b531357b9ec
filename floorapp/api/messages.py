"""The thread of a help request: its customer by public token, its store's staff by id.

`/help-requests/<int:id>/…` is the staff's (the int converter is tried first, and a
public token is 32 characters, never 1–10 digits); `/help-requests/<public_token>/…`
the customer's. The customer's posts are sessionless (the token is the capability):
other sites are refused by the browser's own headers (web/sign_pass.py). A post is
JSON (`body`) or multipart (`body`, and a `photo` for the customer); an
Idempotency-Key makes it once (the outbox replays a reply from a dead spot).
"""

from flask import Blueprint, Response, jsonify, request, url_for

from floorapp.api.parsing import api_user, body, idempotency_key
from floorapp.extensions import csrf
from floorapp.services.conversation import thread
from floorapp.services.help import intake
from floorapp.web import sign_pass
from floorapp.web.public_limits import message_limits, status_limit

bp = Blueprint("api_messages", __name__)


def _photo_bytes() -> bytes | None:
    upload = request.files.get("photo")
    return upload.read(thread.photos.MAX_BYTES + 1) or None if upload else None


def _customer_url(token: str):
    return lambda photo_id: url_for("api_messages.customer_photo", public_token=token,
                                    photo_id=photo_id)


def _staff_url(request_id: int):
    return lambda photo_id: url_for("api_messages.staff_photo", request_id=request_id,
                                    photo_id=photo_id)


@bp.get("/help-requests/<int:request_id>/messages")
def staff_messages(request_id: int):
    """Return a request's thread to its store's staff (another store's: 404)."""
    found = thread.staff_request(api_user(), request_id)
    return jsonify(messages=thread.messages(found.id, photo_url=_staff_url(found.id)))


@bp.post("/help-requests/<int:request_id>/messages")
def staff_post(request_id: int):
    """Post a staff member's reply (201; a replay of its key: the same message, 200)."""
    data = body()
    posted = thread.post_as_staff(api_user(), request_id, data.get("body"),
                                  key=idempotency_key(data))
    return jsonify(message=posted.message), 201 if posted.created else 200


@bp.get("/help-requests/<public_token>/messages")
@status_limit
def customer_messages(public_token: str):
    """Return the thread to the request's customer, and whether they may still write."""
    found = intake.by_public_token(public_token)
    return jsonify(open=thread.is_open(found),
                   messages=thread.messages(found.id, photo_url=_customer_url(public_token)))


@bp.post("/help-requests/<public_token>/messages")
@csrf.exempt  # sessionless: the public token is the capability; other sites are refused
@message_limits
def customer_post(public_token: str):
    """Post the customer's message, with at most one photo (201; 409 once closed)."""
    sign_pass.refuse_other_sites()
    data = body()
    posted = thread.post_as_customer(public_token, data.get("body"), _photo_bytes(),
                                     key=idempotency_key(data))
    return jsonify(message=posted.message), 201 if posted.created else 200


def _photo_response(photo) -> Response:
    return Response(photo.data, mimetype=photo.content_type, headers={
        "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff",
        "Content-Disposition": "inline"})


@bp.get("/help-requests/<int:request_id>/photos/<int:photo_id>")
def staff_photo(request_id: int, photo_id: int):
    """Serve a customer's photo to the request's store's staff."""
    found = thread.staff_request(api_user(), request_id)
    return _photo_response(thread.photo_of(found.id, photo_id))


@bp.get("/help-requests/<public_token>/photos/<int:photo_id>")
@status_limit
def customer_photo(public_token: str, photo_id: int):
    """Serve a photo to the request's own customer (the token is the key)."""
    found = intake.by_public_token(public_token)
    return _photo_response(thread.photo_of(found.id, photo_id))
