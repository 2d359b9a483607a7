#!/usr/bin/env python
"""manage.py of the throwaway Django project the integration tests emit migrations into."""
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mgen_settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
