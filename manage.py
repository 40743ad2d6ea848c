#!/usr/bin/env python
"""Django's command-line utility for Confianza."""

import os
import sys

if sys.version_info < (3, 12):  # noqa: UP036 (a clear message, not a traceback)
    sys.exit(f"Confianza needs Python 3.12 or newer; this is Python {sys.version.split()[0]}.")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
