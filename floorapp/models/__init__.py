"""The models, one module per noun group; importing this package registers them all."""

from floorapp.models.stores import Store, Zone
from floorapp.models.users import Role, User

__all__ = ["Role", "Store", "User", "Zone"]
