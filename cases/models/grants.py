"""The access engine's grant tables: django-guardian object permissions with direct foreign keys.

Each row says: this user (or auth group) may see this kind of this child, on this basis, from
this source, in this period. The engine (cases/access.py) rebuilds a child's rows whenever a
source changes; the selectors honour the period themselves, a periodic job deletes what expired."""

from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from .children import Child

# What the visible-children query reads of a holder's grants of one kind (cases.selectors
# child_list_visible_to): carried in the holder's index, the grants are read from the index
# alone, without a visit to each row.
LIST_COLUMNS = ["content_object", "valid_from", "valid_until"]


class GrantFields(models.Model):
    basis = models.CharField(max_length=20)
    source_type = models.CharField(max_length=20)
    source_id = models.BigIntegerField()
    valid_from = models.DateTimeField(null=True)
    valid_until = models.DateTimeField(null=True)

    class Meta:
        abstract = True


class ChildUserObjectPermission(UserObjectPermissionBase, GrantFields):  # noqa: DJ008
    content_object = models.ForeignKey(Child, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        unique_together = ["user", "permission", "content_object", "source_type", "source_id"]
        indexes = [
            models.Index(
                fields=["user", "permission"],
                include=LIST_COLUMNS,
                name="child_user_grant_list_idx",
            )
        ]


class ChildGroupObjectPermission(GroupObjectPermissionBase, GrantFields):  # noqa: DJ008
    content_object = models.ForeignKey(Child, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        unique_together = ["group", "permission", "content_object", "source_type", "source_id"]
        indexes = [
            models.Index(
                fields=["group", "permission"],
                include=LIST_COLUMNS,
                name="child_group_grant_list_idx",
            )
        ]
