from stdnum.dk import cpr as stdnum_cpr
from stdnum.exceptions import ValidationError as StdnumError


def cpr_normalise(value: str) -> str:
    """Validate a CPR number (date check only: modulus 11 was abandoned in 2007) and return its
    ten digits. Raises ValueError with no number in the message."""
    try:
        return stdnum_cpr.validate(value)
    except StdnumError:
        raise ValueError("invalid CPR number") from None


def cpr_mask(digits: str) -> str:
    return f"{digits[:6]}-XXXX"


def cpr_birth_date(digits: str):
    return stdnum_cpr.get_birth_date(digits)
