# Dates are written d.m.Y and times 24-hour in every language the product speaks: English uses
# the Danish formats unchanged (decimal comma included), so a screenshot reads the same.
from trivsel.formats.da.formats import *  # noqa: F403
