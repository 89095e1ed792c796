def current_staff(request):
    """The header shows who is logged in: name, roles, units and municipality."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"current_staff": user.staff_profile_or_none}
