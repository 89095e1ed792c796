"""Transition handovers (DOMAIN.md §7): the handover form a unit sends another when a child moves
on, with the parents' consent. Its models live in cases.models (app label `cases`)."""
