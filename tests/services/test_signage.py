"""A sign's token leads to its zone; retired and unknown codes are told apart."""

import pytest

from floorapp.errors import NotFound
from floorapp.extensions import db
from floorapp.models import RetiredSignToken
from floorapp.services.signage import SignRetired, resolve_sign_token
from tests.factories import make_sign


def test_an_active_sign_token_resolves_to_its_sign(app):
    with app.app_context():
        sign = make_sign(label="By the mirrors")
        assert resolve_sign_token(sign.token).id == sign.id
        assert len(sign.token) >= 32


def test_a_deactivated_sign_says_the_code_is_no_longer_in_use(app):
    with app.app_context():
        sign = make_sign(active=False)
        with pytest.raises(SignRetired):
            resolve_sign_token(sign.token)


def test_a_rotated_token_says_the_code_is_no_longer_in_use(app):
    with app.app_context():
        sign = make_sign()
        db.session.add(RetiredSignToken(token="old-printed-token", sign_id=sign.id))
        db.session.commit()
        with pytest.raises(SignRetired):
            resolve_sign_token("old-printed-token")


@pytest.mark.parametrize("token", ["", "never-issued", "x" * 500])
def test_an_unknown_token_is_not_found(app, token):
    with app.app_context(), pytest.raises(NotFound):
        resolve_sign_token(token)
