from .cpr import mask_cpr
from .models import AccessLogEntry


def access_log_record(*, actor, action, basis, obj=None, child_id=None, purpose="", detail=""):
    """Write one access-log entry. Every selector and view that touches personal data calls this.

    `detail` may carry a search term or similar free text; CPR numbers in it are masked here so
    no caller can forget it.
    """
    return AccessLogEntry.objects.create(
        municipality_id=getattr(actor, "municipality_id", None),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        basis=basis,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        child_id=child_id,
        purpose=mask_cpr(purpose)[:200],
        detail=mask_cpr(detail),
    )


def access_log_record_many(*, actor, action, looks, purpose="", detail=""):
    """One entry per (object, child id, basis) in `looks`, written in one insert (list pages)."""
    purpose, detail = mask_cpr(purpose)[:200], mask_cpr(detail)
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(
            municipality_id=actor.municipality_id,
            actor=actor,
            action=action,
            basis=basis,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            child_id=child_id,
            purpose=purpose,
            detail=detail,
        )
        for obj, child_id, basis in looks
    )
