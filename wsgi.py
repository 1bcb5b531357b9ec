"""The WSGI entry point for gunicorn: `gunicorn wsgi:app`.

Once the app is built, everything it made (modules, models, compiled statements,
templates) lives as long as the worker: `gc.freeze()` moves it out of the collector's
generations, so a full collection walks only what requests made since. Without it, a
full collection in the middle of a dashboard request (one in about four of them, at a
month of rows) added 80–90 ms to that request.
"""
import gc

from floorapp import create_app

app = create_app()
gc.freeze()
