"""Row locks for services that check a state and then change it (issue #14, point 6)."""


def row_lock(instance):
    """Lock the row of `instance` until the transaction ends and read it again into `instance`.

    A service that checks a state and then changes it ("not sent yet" → send) calls this first:
    a second request pressing the same button waits here, then sees what the first one did and
    refuses or returns it, instead of doing it a second time. Must run inside the service's
    transaction (select_for_update refuses to run outside one)."""
    model = type(instance)
    instance.refresh_from_db(from_queryset=model._base_manager.select_for_update(of=("self",)))
    return instance
