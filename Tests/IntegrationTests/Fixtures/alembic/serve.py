"""Alembic's own commands, kept running for mgen's integration tests (one launch per chain).

    python serve.py ALEMBIC_INI   (database URL in MGEN_ALEMBIC_URL)

Reads `upgrade REV` / `downgrade REV` / `heads` one a line; answers with the command's output and
a line `\\x01mgen-done STATUS` (0: success; 1: the traceback is printed before it).
"""
import sys
import traceback

from alembic import command
from alembic.config import Config


def main():
    config = Config(sys.argv[1])
    for line in sys.stdin:
        words = line.split()
        status = 0
        try:
            if words[0] == "upgrade":
                command.upgrade(config, words[1])
            elif words[0] == "downgrade":
                command.downgrade(config, words[1])
            elif words[0] == "heads":
                command.heads(config)
            else:
                raise SystemExit("unknown command %s" % words[0])
        except BaseException:
            traceback.print_exc(file=sys.stdout)
            status = 1
        sys.stdout.write("\x01mgen-done %d\n" % status)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
