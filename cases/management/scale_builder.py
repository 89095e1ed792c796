"""What the two builders of the scale municipality share (seed_scale, seed_scale_marks): a
timed log of steps, fresh planner statistics at the end, and the one-line report."""

import random
import time

from django.db import connection, transaction
from django.utils import timezone


class ScaleBuilder:
    # Each builder has its own fixed seed: the same data every time it is built.
    seed = 0
    # The tables the builder fills, analysed at the end.
    models = ()

    def __init__(self, *, log):
        self.started = time.perf_counter()
        self.log = log
        self.rng = random.Random(self.seed)  # noqa: S311 - fictitious data, not secrets
        self.today = timezone.localdate()
        self.summary = {}

    def log_step(self, message):
        self.log(f"[{time.perf_counter() - self.started:6.1f} s] {message}")

    def build(self):
        raise NotImplementedError

    def analyze(self):
        """Fresh planner statistics, so the first queries on the new rows plan as they will."""
        with connection.cursor() as cursor:
            for model in self.models:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        self.log_step("tables analyzed")

    def run(self, stdout, ready):
        """Build in one transaction, analyse, and write "<ready> in N s: counts"."""
        with transaction.atomic():
            self.build()
        self.analyze()
        self.log_step("done")
        stdout.write(
            f"{ready} in {time.perf_counter() - self.started:.1f} s: "
            + ", ".join(f"{count} {what}" for what, count in self.summary.items())
        )


def step_log(command, options):
    """The builder's log: the command's output, silent at verbosity 0."""
    return command.stdout.write if options["verbosity"] >= 1 else lambda message: None
