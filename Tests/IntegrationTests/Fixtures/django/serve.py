"""Django's management commands, kept running for mgen's integration tests (one launch per chain).

    python serve.py   (in the project folder; settings from the environment, as manage.py)

Reads one command a line (`migrate blog 0003_x`, `showmigrations blog`); answers with its output
and a line `\\x01mgen-done STATUS` (0: success; 1: the traceback is printed before it).
"""
import os
import sys
import traceback

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mgen_settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402


def forget_migrations():
    """Drops the app's migration modules, so each command imports them afresh as manage.py does:
    operations may keep what one run learnt on themselves (module-level instances), which a later
    command in the same process must not see."""
    package = os.environ.get("MGEN_DJANGO_APP", "") + ".migrations"
    for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
        del sys.modules[name]


def main():
    for line in sys.stdin:
        words = line.split()
        status = 0
        forget_migrations()
        try:
            call_command(*words, no_color=True, stdout=sys.stdout, stderr=sys.stdout)
        except BaseException:
            traceback.print_exc(file=sys.stdout)
            status = 1
        sys.stdout.write("\x01mgen-done %d\n" % status)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
