"""Runs the benchmarks and prints their figures (make bench). Not part of the tests.

Each benchmark measures the product against a baseline measured in the same run, so the figures
are ratios that mean something on any machine."""

import argparse
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trivsel.settings")

BENCHMARKS = {
    "start_page": "bench.start_page",
    "children": "bench.children",
    "screening": "bench.screening",
    "reminders": "bench.reminders",
    "keyboard": "bench.keyboard",
    "meetings": "bench.meetings",
    "referrals": "bench.referrals",
    "figures": "bench.figures",
    "log_review": "bench.log_review",
    "retention": "bench.retention",
    "floor": "bench.floor",
    "load": "bench.load",
    "import": "bench.import",
}


def main(argv):
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument("names", nargs="*", help="benchmarks to run")
    args = parser.parse_args(argv)
    import django

    django.setup()
    from importlib import import_module

    for name in args.names or BENCHMARKS:
        print(f"== {name}")
        import_module(BENCHMARKS[name]).run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
