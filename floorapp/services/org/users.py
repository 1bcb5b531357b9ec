"""Accounts: creating users, checking passwords, roles and deactivation.

Associates and managers have a home store; a regional manager has a region and no home
store; an admin has neither. The users table's CHECK holds the region rule too.
"""

import re
from datetime import UTC, datetime

from sqlalchemy import select, update
from werkzeug.security import check_password_hash, generate_password_hash

from floorapp.errors import Conflict, Forbidden, InvalidInput, NotFound
from floorapp.extensions import db
from floorapp.models import Region, Role, Store, User
from floorapp.services.core import audit
from floorapp.services.core.input_parsing import enum_value
from floorapp.services.core.names import clean_name
from floorapp.services.core.transactions import rolls_back, start_write, writes
from floorapp.services.org import regions, stores

LOGIN_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD_LENGTH = 10
# Checked against when the login is unknown, so a miss costs as much as a wrong password.
_UNKNOWN_USER_HASH = generate_password_hash("no such user, no such password")


def normalize_login(login: str) -> str:
    """Return the canonical form of a login (trimmed, lower case)."""
    return (login or "").strip().lower()


def hash_password(password: str) -> str:
    """Return a salted hash with werkzeug's current default scheme (scrypt)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    return generate_password_hash(password)


@rolls_back
def create_user(
    *, login: str, name: str, password: str, role: Role | str, store_code: str | None,
    region_code: str | None = None, actor: User | None = None,
) -> User:
    """Create a user; associates and managers belong to a store, a regional manager to a
    region."""
    login = normalize_login(login)
    if not LOGIN_PATTERN.match(login):
        raise InvalidInput(
            "A login is 2–64 characters: lower-case letters, digits, dots, dashes or underscores."
        )
    name = clean_name(name, field="name", max_length=120)
    role = parse_role(role)
    password_hash = hash_password(password)  # slow on purpose: before taking the writer lock
    start_write()
    store = _store_for_role(role, store_code)
    region = _region_for_role(role, region_code)
    if db.session.scalar(select(User.id).where(User.login == login)) is not None:
        raise Conflict(f"The login {login!r} is taken.")
    user = User(login=login, name=name, password_hash=password_hash,
                role=role, home_store=store, region=region)
    db.session.add(user)
    audit.record(actor, "user.create", target=login, store=store, role=role.value,
                 **({"region": region.code} if region else {}))
    db.session.commit()
    return user


def parse_role(role: Role | str) -> Role:
    """Return the Role named by `role`, or raise InvalidInput."""
    return enum_value(Role, role, "role")


def _store_for_role(role: Role, store_code: str | None) -> Store | None:
    if not store_code:
        if role in (Role.ADMIN, Role.REGIONAL_MANAGER):
            return None
        raise InvalidInput(f"A user with the role {role.value} needs a home store.")
    if role is Role.REGIONAL_MANAGER:
        raise InvalidInput("A regional manager has a region, not a home store.")
    store = stores.store_by_code(store_code)
    if store is None:
        raise NotFound(f"No store with the code {store_code!r}.")
    return store


def _region_for_role(role: Role, region_code: str | None) -> Region | None:
    if role is not Role.REGIONAL_MANAGER:
        if region_code:
            raise InvalidInput("Only a regional manager has a region.")
        return None
    if not region_code:
        raise InvalidInput("A regional manager needs a region (--region CODE).")
    region = regions.region_by_code(region_code)
    if region is None:
        raise NotFound(f"No region with the code {region_code!r}.")
    return region


def authenticate(login: str, password: str) -> User | None:
    """Return the active user with this login and password, or None.

    Unknown logins are checked against a dummy hash, so the answer takes as long
    whether or not the account exists. The (slow) check runs outside the writer lock;
    the login time is then written by a writer that re-checks the account is active.
    """
    user = db.session.scalar(select(User).where(User.login == normalize_login(login)))
    stored_hash = user.password_hash if user else _UNKNOWN_USER_HASH
    password_ok = check_password_hash(stored_hash, password or "")
    if user is None or not password_ok or not user.active:
        return None
    user_id = user.id
    start_write()
    noted = db.session.execute(update(User).where(User.id == user_id, User.active.is_(True))
                               .values(last_login_at=datetime.now(UTC)))
    if noted.rowcount != 1:  # deactivated meanwhile
        db.session.rollback()
        return None
    db.session.commit()
    return db.session.get(User, user_id)


def get_user(login: str) -> User:
    """Return the user with this login or raise NotFound."""
    user = db.session.scalar(select(User).where(User.login == normalize_login(login)))
    if user is None:
        raise NotFound(f"No user with the login {login!r}.")
    return user


@writes
def set_role(login: str, role: Role | str, *, actor: User | None = None) -> User:
    """Change a user's role; a store role needs the user to have a home store.

    Nobody becomes a regional manager this way: one is created with their region
    (`flask users create --role regional_manager --region CODE`). Leaving that role
    drops the region, as the users table's CHECK requires.
    """
    user = get_user(login)
    new_role = parse_role(role)
    if new_role is Role.REGIONAL_MANAGER:
        if user.role is not Role.REGIONAL_MANAGER:
            raise InvalidInput("A regional manager is created with their region: "
                               "flask users create --role regional_manager --region CODE.")
    elif new_role is not Role.ADMIN and user.home_store_id is None:
        raise InvalidInput(f"{user.login} has no home store, so cannot be a {new_role.value}.")
    audit.record(actor, "user.set_role", target=user.login, store=user.home_store,
                 before=user.role.value, after=new_role.value)
    user.role = new_role
    if new_role is not Role.REGIONAL_MANAGER:
        user.region = None  # with the role, in one flush: the CHECK sees both
    user.session_version += 1
    db.session.commit()
    return user


@writes
def deactivate(login: str, *, actor: User | None = None) -> User:
    """Deactivate a user and end their sessions on every device."""
    user = get_user(login)
    user.active = False
    user.session_version += 1
    audit.record(actor, "user.deactivate", target=user.login, store=user.home_store)
    db.session.commit()
    return user


def store_staff(store: Store) -> list[User]:
    """Return the active and inactive users whose home is `store`, by role then name."""
    return list(db.session.scalars(
        select(User).where(User.home_store_id == store.id).order_by(User.role, User.name)
    ))


def can_manage(actor: User, *, role: Role, store_id: int | None) -> bool:
    """Tell whether `actor` may manage a user with this role and store.

    Admins manage everybody; a manager manages the associates of their own store.
    """
    if actor.role is Role.ADMIN:
        return True
    return actor.role is Role.MANAGER and role is Role.ASSOCIATE and \
        store_id == actor.home_store_id


def require_can_manage(actor: User, *, role: Role, store_id: int | None) -> None:
    """Raise Forbidden unless `actor` may manage a user with this role and store."""
    if not can_manage(actor, role=role, store_id=store_id):
        raise Forbidden("You can manage only the associates of your own store.")


def managed_user(actor: User, login: str) -> User:
    """Return the user `login` if `actor` may manage them; NotFound otherwise.

    A login that exists but is someone else's to manage gets the very answer (status
    and message) of a login that does not exist, so nobody learns the logins of other
    stores by trying them. Both cost one indexed lookup.
    """
    user = db.session.scalar(select(User).where(User.login == normalize_login(login)))
    if user is None or not can_manage(actor, role=user.role, store_id=user.home_store_id):
        raise NotFound(f"No user you manage has the login {login!r}.")
    return user


def create_user_as(actor: User, *, login: str, name: str, password: str,
                   role: Role | str, store_code: str | None) -> User:
    """Create a user on behalf of `actor`, within what `actor` may manage."""
    wanted_role = parse_role(role)
    store = _store_for_role(wanted_role, store_code)
    require_can_manage(actor, role=wanted_role, store_id=store.id if store else None)
    return create_user(login=login, name=name, password=password, role=wanted_role,
                       store_code=store_code, actor=actor)


def deactivate_as(actor: User, login: str) -> User:
    """Deactivate a user on behalf of `actor`; nobody can deactivate themselves."""
    if normalize_login(login) == actor.login:
        raise Conflict("You cannot deactivate your own account.")
    user = managed_user(actor, login)
    return deactivate(user.login, actor=actor)


def set_role_as(actor: User, login: str, role: Role | str) -> User:
    """Change a role on behalf of `actor`: only admins, and never their own."""
    if actor.role is not Role.ADMIN:
        raise Forbidden("Only an admin can change roles.")
    if normalize_login(login) == actor.login:
        raise Conflict("You cannot change your own role.")
    return set_role(login, role, actor=actor)


def list_users() -> list[User]:
    """Return every user, by store then role then name."""
    return list(db.session.scalars(
        select(User).order_by(User.home_store_id, User.role, User.name)
    ))
