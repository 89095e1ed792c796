"""Insight requests (GDPR art. 15): the guardian's request, the one-month clock, the package
prepared from every app's sections (package.py), redaction and the exception path's withheld
entries, and the guardian's download. The models are cases.models.insight."""
