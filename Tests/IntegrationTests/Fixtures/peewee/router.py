"""Runs peewee_migrate's own Router on a folder of migrations, for mgen's integration tests.

    python router.py run|rollback MIGRATE_DIR [NAME]

The database comes from MGEN_PEEWEE_DB (JSON: dialect, database, host, port, user, password).
`run` applies every pending migration (Router.run), or those up to NAME; `rollback` rolls back the latest one
(Router.rollback). Prints the names done, one a line; exits non-zero on failure.
"""

import json
import os
import sys

import peewee as pw
from peewee_migrate import Router


def database():
    spec = json.loads(os.environ["MGEN_PEEWEE_DB"])
    dialect = spec["dialect"]
    if dialect == "sqlite":
        return pw.SqliteDatabase(spec["database"])
    params = {k: spec[k] for k in ("host", "port", "user", "password") if spec.get(k) is not None}
    if dialect == "postgresql":
        return pw.PostgresqlDatabase(spec["database"], **params)
    if dialect == "mysql":
        return pw.MySQLDatabase(spec["database"], **params)
    raise SystemExit("unknown dialect %s" % dialect)


def main():
    action, folder = sys.argv[1], sys.argv[2]
    db = database()
    db.connect()
    try:
        router = Router(db, migrate_dir=folder)
        if action == "run":
            done = router.run(sys.argv[3] if len(sys.argv) > 3 else None)
        elif action == "rollback":
            name = router.done[-1]
            router.rollback()
            done = [name]
        elif action == "done":
            done = router.done
        else:
            raise SystemExit("unknown action %s" % action)
        for name in done:
            print(name)
    finally:
        db.close()


if __name__ == "__main__":
    main()
