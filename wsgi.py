"""The WSGI entry point for gunicorn: `gunicorn wsgi:app`."""
from floorapp import create_app

app = create_app()
