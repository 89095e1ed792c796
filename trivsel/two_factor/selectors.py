from dataclasses import dataclass
from datetime import datetime

from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .rules import DONE, ENROL, VERIFY, two_factor_required


@dataclass(frozen=True)
class TwoFactorStatus:
    enabled: bool
    required: bool
    enabled_at: datetime | None
    recovery_codes_left: int

    @property
    def may_disable(self):
        return self.enabled and not self.required


def totp_device_for(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def two_factor_status_for(user):
    device = totp_device_for(user)
    return TwoFactorStatus(
        enabled=device is not None,
        required=two_factor_required(user),
        enabled_at=device.created_at if device else None,
        recovery_codes_left=StaticToken.objects.filter(
            device__user=user, device__confirmed=True
        ).count()
        if device
        else 0,
    )


def second_step_for(user):
    """What a user who has just given the password must do next."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return VERIFY
    return ENROL if two_factor_required(user) else DONE
