"""Turning two-factor login on and off, recovery codes, and checking a code at login.

TOTP devices and recovery codes are django-otp's (otp_totp, otp_static); these services keep to
one authenticator app and one set of recovery codes per user, and write each change to the access
log, where the municipality's administrators see it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from trivsel.audit.models import Action, Basis
from trivsel.audit.services import access_log_record

from .rules import two_factor_required

TOTP_DIGITS = 6


def _normalise(code):
    # People copy recovery codes with their hyphen, or type them with spaces or in capitals.
    return "".join(code.split()).replace("-", "").lower()


def recovery_code_display(code):
    return f"{code[:4]}-{code[4:]}"


@transaction.atomic
def totp_enrolment_start(*, user):
    """The secret the enrolment page shows: one unconfirmed device per user, the same until the
    user confirms it, so reloading the page does not invalidate a QR code already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=settings.OTP_TOTP_ISSUER, confirmed=False
        )
    return device


def _recovery_codes_replace(user):
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _n in range(settings.TWO_FACTOR_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return [recovery_code_display(code) for code in codes]


@transaction.atomic
def totp_enrolment_confirm(*, user, code):
    """The first code from the app proves it has the secret: the device becomes the user's one
    authenticator (an earlier one stops working) and a fresh set of recovery codes is made.
    Returns the device and the recovery codes, which are shown once and never again."""
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False)
        .order_by("pk")
        .first()
    )
    if device is None or not device.verify_token(_normalise(code)):
        raise ValidationError(
            _(
                "The code does not match. Check that the clock on your phone is right and type "
                "the newest code from the app."
            ),
            code="wrong_code",
        )
    replacing = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _recovery_codes_replace(user)
    access_log_record(
        actor=user,
        action=Action.CHANGE if replacing else Action.CREATE,
        basis=Basis.OWN_RECORD,
        obj=device,
        purpose=_("Two-factor login: new authenticator app")
        if replacing
        else _("Two-factor login turned on"),
    )
    return device, codes


@transaction.atomic
def recovery_codes_regenerate(*, user):
    """New recovery codes; the old ones stop working at once."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError(_("Two-factor login is not turned on."), code="not_enabled")
    codes = _recovery_codes_replace(user)
    access_log_record(
        actor=user,
        action=Action.CHANGE,
        basis=Basis.OWN_RECORD,
        obj=StaticDevice.objects.get(user=user),
        purpose=_("Two-factor login: new recovery codes"),
    )
    return codes


@transaction.atomic
def two_factor_disable(*, user):
    if two_factor_required(user):
        raise ValidationError(
            _("Your role requires two-factor login, so it cannot be turned off."),
            code="required",
        )
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        raise ValidationError(_("Two-factor login is not turned on."), code="not_enabled")
    access_log_record(
        actor=user,
        action=Action.DELETE,
        basis=Basis.OWN_RECORD,
        obj=device,
        purpose=_("Two-factor login turned off"),
    )
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def second_factor_verify(*, user, code):
    """The device that accepts `code`: a six-digit code from the app or one recovery code, which
    is used up. Raises ValidationError when none does, or while the devices refuse codes after
    wrong ones (django-otp's throttling, which survives a new login with the password)."""
    code = _normalise(code)
    model = TOTPDevice if code.isdigit() and len(code) == TOTP_DIGITS else StaticDevice
    throttled = False
    for pk in model.objects.filter(user=user, confirmed=True).values_list("pk", flat=True):
        # One row lock per device: two requests with the same code cannot both use it.
        with transaction.atomic():
            device = model.objects.select_for_update().get(pk=pk)
            allowed, _details = device.verify_is_allowed()
            if not allowed:
                throttled = True
                continue
            if device.verify_token(code):
                return device
    if throttled:
        raise ValidationError(
            _("Too many wrong codes in a row. Wait a minute and try again."), code="throttled"
        )
    raise ValidationError(
        _("The code is wrong. Type the newest code from your app, or one of your recovery codes."),
        code="wrong_code",
    )


def recovery_codes_left(*, user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
