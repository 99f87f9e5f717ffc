# Production image: gunicorn serves the web app; the same image runs the worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    DJANGO_STATIC_ROOT=/app/staticfiles

WORKDIR /app
RUN useradd --create-home --uid 1000 crm
COPY pyproject.toml README.md ./
COPY . .
# python-ldap (directory sign-in) compiles against OpenLDAP's and Cyrus SASL's headers; the
# compiler and headers leave again, the libraries stay.
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential libldap2-dev libsasl2-dev libldap-2.5-0 libsasl2-2 \
 && pip install --no-cache-dir . \
 && apt-get purge -y --auto-remove build-essential libldap2-dev libsasl2-dev \
 && rm -rf /var/lib/apt/lists/* \
 && DJANGO_SECRET_KEY=build-only DATABASE_URL=postgres://build@localhost/none \
    python manage.py collectstatic --noinput \
 && chown -R crm /app
USER crm

EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
