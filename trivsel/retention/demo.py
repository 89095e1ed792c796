"""The demo's administrator edits the municipality's retention rules in /admin/."""

from django.contrib.auth.models import Permission

from trivsel.organisation.models import User


def seed(context):
    admin = User.objects.filter(username="admin").first()
    if admin is not None:
        admin.user_permissions.add(
            *Permission.objects.filter(
                content_type__app_label="retention",
                codename__in=[
                    "view_retentionrule",
                    "add_retentionrule",
                    "change_retentionrule",
                    "delete_retentionrule",
                    "view_retentionrun",
                ],
            )
        )
