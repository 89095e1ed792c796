"""The access engine's grant tables: django-guardian object permissions with direct foreign keys.

Each row says: this user (or auth group) may see this kind of this child, on this basis, from
this source, in this period. The engine (cases/access.py) rebuilds a child's rows whenever a
source changes; the selectors honour the period themselves, a periodic job deletes what expired."""

from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from .children import Child


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
        indexes = [models.Index(fields=["user", "permission"], name="child_user_grant_idx")]


class ChildGroupObjectPermission(GroupObjectPermissionBase, GrantFields):  # noqa: DJ008
    content_object = models.ForeignKey(Child, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        unique_together = ["group", "permission", "content_object", "source_type", "source_id"]
        indexes = [models.Index(fields=["group", "permission"], name="child_group_grant_idx")]
