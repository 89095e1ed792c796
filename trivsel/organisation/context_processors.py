def current_staff(request):
    """The header shows who is logged in: name, roles, units and municipality.

    The unit names come with the user from the authentication backend
    (trivsel.organisation.backends.HeaderUserMixin), so the header costs no query of its own."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    profile = user.staff_profile_or_none
    return {"current_staff": profile, "current_unit_names": _unit_names(user, profile)}


def _unit_names(user, profile):
    names = getattr(user, "header_unit_names", None)
    if names is not None:
        return names
    # A user loaded some other way (another backend): the same names, with a query.
    if profile is None:
        return []
    return list(profile.units.order_by("name").values_list("name", flat=True))
