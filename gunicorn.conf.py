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


def post_fork(server, worker):
    """Tell the app its worker's connection limit, so streams leave room for pages.

    The app caps open streams per worker at a share of it (STREAMS_PER_WORKER) and
    answers 429 past that, so /healthz and pages still find a free connection even when
    worker_connections was changed (GUNICORN_CMD_ARGS or the command line).
    """
    os.environ["FLOORAPP_WORKER_CONNECTIONS"] = str(worker.cfg.worker_connections)
