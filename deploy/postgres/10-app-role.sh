#!/bin/sh
# Run once by the postgres image on a new volume (/docker-entrypoint-initdb.d): the app's role,
# beside the owner that the image makes from POSTGRES_USER. It may log in and nothing else yet;
# `manage.py db_app_role` (compose's migrate service, as the owner) grants it the rows of the tables.
set -eu
psql -v ON_ERROR_STOP=1 -v password="$APP_DB_PASSWORD" --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
CREATE ROLE crm_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'password';
SQL
