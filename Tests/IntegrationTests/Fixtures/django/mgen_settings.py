"""Minimal settings: one app (MGEN_DJANGO_APP) and one database (MGEN_DJANGO_DATABASE, JSON)."""
import json
import os

SECRET_KEY = "mgen-integration-tests"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
INSTALLED_APPS = [os.environ["MGEN_DJANGO_APP"]]
DATABASES = {"default": json.loads(os.environ["MGEN_DJANGO_DATABASE"])}

ENGINE = DATABASES["default"]["ENGINE"]
if ENGINE.endswith("postgresql"):
    # AddIndexConcurrently and ValidateConstraint live in django.contrib.postgres.
    INSTALLED_APPS.append("django.contrib.postgres")
if ENGINE.endswith("mysql"):
    # PyMySQL stands in for mysqlclient; Django 5.2 checks for mysqlclient >= 2.2.1.
    import pymysql

    pymysql.version_info = (2, 2, 1, "final", 0)
    pymysql.install_as_MySQLdb()
