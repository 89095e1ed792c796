# The fixed demo logins printed by `make demo` (password "demo", refused outside the demo).
DEMO_USERNAMES = (
    "paedagog",
    "laerer",
    "sundhedsplejerske",
    "socialraadgiver",
    "teamleder",
    "leder",
    "skoleleder",
    "ppr",
    "foraelder",
    "ung",
    "admin",
    "fagchef",
    "dpo",
    "nabo",
)
