"""gunicorn settings shared by `make run`, production and the benchmark.

`--bind` and `--workers` are given on the command line; the rest is fixed here so the
benchmark measures exactly what production runs.
"""

# gevent: one worker holds hundreds of idle Server-Sent Event streams cheaply.
worker_class = "gevent"
worker_connections = 1000
workers = 2
keepalive = 5
timeout = 30
graceful_timeout = 10
