"""Placeholder."""

from flask import Blueprint

bp = Blueprint("catalog_admin", __name__)
