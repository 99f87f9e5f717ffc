"""`make bench` and the fault scripts: production settings, but served over plain HTTP on loopback.

Everything production sets stays (DEBUG off, WhiteNoise manifest storage, session and CSRF
hardening) except what needs TLS: the benchmark talks to gunicorn directly on 127.0.0.1.
BENCH_COUNT_QUERIES=1 adds a header with each response's query count (bench/querycount.py).
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-0123")

from config.settings.production import *  # noqa: E402,F403
from config.settings.production import MIDDLEWARE, env  # noqa: E402

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# The bench data set's users log in once per client; the fast hasher keeps logins out of the figures.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Failed logins while a fault is injected must not lock the load generator out.
AXES_ENABLED = env.bool("AXES_ENABLED", default=False)
SESSION_COOKIE_AGE = 8 * 60 * 60
EMAIL_BACKEND = env("BENCH_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
# The fault scripts count the e-mails every process sent (file backend: one message per block).
EMAIL_FILE_PATH = env("BENCH_EMAIL_DIR", default="var/bench/mail")
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "handlers": {"console": {"class": "logging.StreamHandler"}},
           "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="WARNING")}}

if env.bool("BENCH_COUNT_QUERIES", default=False):
    MIDDLEWARE = ["bench.querycount.QueryCountMiddleware", *MIDDLEWARE]
ROOT_URLCONF = "bench.urls"

from config.settings.celery import CELERY_BROKER_TRANSPORT_OPTIONS  # noqa: E402

if "visibility_timeout" in CELERY_BROKER_TRANSPORT_OPTIONS:
    # The fault scripts wait seconds, not kombu's default of about 100 s, for an unacknowledged
    # task to be handed back once its visibility timeout has passed.
    CELERY_BROKER_TRANSPORT_OPTIONS = {**CELERY_BROKER_TRANSPORT_OPTIONS,
                                       "unacked_restore_interval": 1, "unacked_restore_throttle": 1}
