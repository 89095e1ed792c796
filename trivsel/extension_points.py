"""How a lower layer lets the layers above it take part, without importing them (DESIGN.md §2;
tests/test_layers.py).

The lower app declares an ExtensionPoint next to the code that uses it and documents how its
functions are called; a higher app adds its function in its AppConfig.ready(). It is the one
mechanism for all of them: the clocks of the reminders (trivsel.notifications.clocks), the rules
by which meetings hide their own entries on a child's page (cases.selectors), the screening
summary of a handover (cases.handovers.services), what follows approved minutes (meetings), and
the kinds of record and legal holds of retention (trivsel.retention.registry).
"""


class ExtensionPoint:
    def __init__(self, name, *, single=False):
        self.name = name
        self.single = single  # at most one function: a provider, not a list of rules
        self._added = []

    def add(self, function):
        if function in self._added:
            return function  # ready() run twice (a test, a reload) adds nothing
        if self.single and self._added:
            raise ValueError(f"{self.name}: only one may be added")
        self._added.append(function)
        return function

    def __iter__(self):
        return iter(list(self._added))

    def __bool__(self):
        return bool(self._added)

    def call_each(self, *args, **kwargs):
        """Every added function's answer, in the order they were added."""
        return [function(*args, **kwargs) for function in self._added]

    def call_one(self, *args, **kwargs):
        """The answer of the one added function (single points), or None if none was added."""
        return self._added[0](*args, **kwargs) if self._added else None
