"""Trigram indexes for the project list's keyword search, on PostgreSQL only.

The list (项目申报办理) searches the project's title and the applicant's name for a fragment anywhere in them
(``LIKE '%…%'``). PostgreSQL answers that from a pg_trgm GIN index (it serves LIKE and ILIKE on the column as
stored) instead of reading every name: the firm's name (200,000 firms) is the costly part, the titles are few.
The firm's name index lives on the enterprises table but is created here, by the search that needs it (the
enterprise list's search, which runs the same ``LIKE``, uses it too). SQLite has no trigram index: nothing to do
there, its searches stay the plain ``LIKE`` they were.

``CREATE EXTENSION`` needs a role that may create it in the database (pg_trgm is a trusted extension since
PostgreSQL 13: the database's owner may). Written by hand (not from the models' ``Meta.indexes``): a GIN index
would fail on SQLite.
"""

from django.db import migrations

INDEXES = (
    ("projects_application_title_trgm", "projects_application", "title"),
    ("projects_enterprise_name_trgm", "enterprises_enterprise", "name"),
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0009_enterprise_tags"),
        ("projects", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
