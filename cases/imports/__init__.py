"""Onboarding and nightly sync of a municipality: children, guardians with custody, enrolments and
staff from CSV or XLSX files (issue #20).

reading.py turns a file into numbered rows (or refuses the whole file, in Danish); planning.py
compares the rows with the database and says what would be created, changed and ended and which
rows cannot be taken, without writing; services.py stores a preview, applies a plan in one
transaction and logs every run; selectors.py gives an administrator her own municipality's runs."""
