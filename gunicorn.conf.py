"""gunicorn settings shared by `make run`, production and the benchmark.

`--bind` and `--workers` are given on the command line; the rest is fixed here so the
benchmark measures exactly what production runs.
"""

import os

# gevent: one worker holds hundreds of idle Server-Sent Event streams cheaply.
worker_class = "gevent"
worker_connections = 1000
workers = 2
keepalive = 5
timeout = 30
graceful_timeout = 10


def _route_logger():
    """Return floorapp.access_log.RouteLogger, loaded by path.

    Access and error lines name routes (`/h/<public_token>`), never tokens. Importing
    `floorapp.access_log` would import the whole floorapp package (Flask, SQLAlchemy)
    into the master before gevent patches the workers, so the file is loaded alone.
    """
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent / "floorapp" / "access_log.py"
    spec = importlib.util.spec_from_file_location("floorapp_access_log", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.RouteLogger


logger_class = _route_logger()


def post_fork(server, worker):
    """Tell the app its worker's connection limit, so streams leave room for pages.

    The app caps open streams per worker at a share of it (STREAMS_PER_WORKER) and
    answers 429 past that, so /healthz and pages still find a free connection even when
    worker_connections was changed (GUNICORN_CMD_ARGS or the command line).
    """
    os.environ["FLOORAPP_WORKER_CONNECTIONS"] = str(worker.cfg.worker_connections)
