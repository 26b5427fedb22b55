"""gunicorn settings: `gunicorn -c config/gunicorn.py config.wsgi`.

Every value can be overridden from the environment, so the same file serves `make serve`,
the benchmarks and production (docs/deploy.md)."""

import gc
import multiprocessing
import os

from gunicorn.workers.sync import SyncWorker

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Synchronous workers: the views are short and database-bound, and with two cores the
# usual 2 × cores + 1 keeps both busy while one worker waits on the database.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "config.gunicorn.SyncWorkerWithReadTimeout"
# A client that stops sending (a Content-Length larger than its body, a stalled upload)
# holds a sync worker only this long; then the request gets our Korean 400
# (board/middleware.py) instead of the worker being killed at `timeout`.
READ_TIMEOUT = float(os.environ.get("GUNICORN_READ_TIMEOUT", 5))
# The app is loaded once, in the master, before the workers are forked: a new worker (after
# `kill -HUP`, or a recycled one) is ready at once, so a reload never leaves a moment with
# no worker able to answer (tests/test_faults.py measures it under load). Code changes need
# a new master: `kill -USR2` and then `kill -QUIT` the old one (docs/deploy.md).
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
keepalive = 5
# Recycle workers now and then, so a slow leak can never grow without bound; not too
# often: at 5,000 a worker serving cached pages restarted every few seconds under load,
# and the requests waiting on its restart were the benchmark's slowest percent.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 50000))
max_requests_jitter = 5000
# Heartbeat files in memory: a worker never blocks on a slow disk to say it is alive.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # empty: no access log
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "ainews"
# No control socket: several instances on one machine (tests, benchmarks) would share its
# one default path, and `kill -HUP` covers reloads.
control_socket_disable = True


def pre_fork(server, worker):
    # The app is loaded (preload_app) and lives as long as the process: frozen, its objects
    # are never walked by a worker's garbage collector again (nor their memory pages, shared
    # with the master, written to by it).
    gc.freeze()


def post_fork(server, worker):
    # Nothing opens a database or Redis connection while the app loads, but make sure no
    # worker ever shares one with its siblings through the fork.
    from django.db import connections

    connections.close_all()
    # A full collection walks every object the worker has made since the fork (compiled
    # templates and queries, kept rows): 60–90 ms each, every few hundred requests with
    # Python's default of one per 10 middle ones. One per 100 (bench/results, 2026-12-01).
    gc.set_threshold(700, 10, 100)


class SyncWorkerWithReadTimeout(SyncWorker):
    def handle(self, listener, client, addr):
        client.settimeout(READ_TIMEOUT)
        super().handle(listener, client, addr)
