"""Settings for Trivsel+, all read from the environment (see README "Konfiguration").

TRIVSEL_MODE picks the safe defaults: "production" (the default) demands every secret and
URL; "demo" and "test" are for the make targets, which start embedded servers and export
DATABASE_URL / REDIS_URL before Django starts.
"""

from pathlib import Path
from urllib.parse import unquote

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _
from redis.backoff import NoBackoff
from redis.retry import Retry

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

MODE = env.str("TRIVSEL_MODE", default="production")
if MODE not in {"production", "demo", "test"}:
    raise environ.ImproperlyConfigured(
        f"TRIVSEL_MODE must be production, demo or test, not {MODE!r}"
    )
PRODUCTION = MODE == "production"

DEBUG = env.bool("DEBUG", default=False)
if PRODUCTION and DEBUG:
    # DEBUG shows settings, SQL and local variables (CPR numbers among them) on every error
    # page, and keeps every query in memory: never on a server with real children's data.
    raise environ.ImproperlyConfigured(
        "Refusing to start: DEBUG is on in production (TRIVSEL_MODE=production). "
        "Remove DEBUG from the environment, or run the demo (TRIVSEL_MODE=demo)."
    )

# Production must name its own secret and hosts; demo and test get harmless local values.
if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
else:
    SECRET_KEY = env.str("SECRET_KEY", default=f"insecure-local-{MODE}-key-" + "x" * 40)
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "template_partials",
    "guardian",
    "axes",
    "csp",
    "mozilla_django_oidc",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # The platform
    "trivsel.organisation",
    "trivsel.audit",
    "trivsel.notifications",
    "trivsel.two_factor",
    "trivsel.retention",
    # The product
    "cases",
    "screening",
    "meetings",
    "referrals",
    # Last: its demo counts the figures of what every app's demo made.
    "trivsel.figures",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "trivsel.middleware.SessionIdleMiddleware",
    "trivsel.middleware.DanishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "trivsel.middleware.NoStoreMiddleware",
    "trivsel.two_factor.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "trivsel.urls"
WSGI_APPLICATION = "trivsel.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
                "trivsel.organisation.context_processors.current_staff",
            ],
            # {% url %} that builds each address without arguments once per process.
            "builtins": ["trivsel.template_urls"],
        },
    },
]

# --- Data stores -----------------------------------------------------------------------------
# Production must name its servers; demo/test get them from the launcher (trivsel/launcher.py).
DATABASES = {"default": env.db_url("DATABASE_URL")}
# A Unix socket is given as the URL's percent-encoded host (postgres://user@%2Fpath%2Fdir/db).
DATABASES["default"]["HOST"] = unquote(DATABASES["default"]["HOST"])
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Django's PostgreSQL backend whose health check is skipped on a connection checked in the last
# second (trivsel/database/base.py): one round trip less on almost every request.
DATABASES["default"]["ENGINE"] = "trivsel.database"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL")


def _celery_redis_url(url: str) -> str:
    # redis-py speaks unix://, Celery's transport wants redis+socket:// for the same socket.
    return "redis+socket://" + url.removeprefix("unix://") if url.startswith("unix://") else url


# Redis is a cache and a queue, never a single point of failure (DESIGN.md §4): a slow or
# stopped Redis costs a page at most REDIS_TIMEOUT_SECONDS per call, and every cache read and
# write fails soft (trivsel/cache.py).
REDIS_TIMEOUT_SECONDS = env.float("REDIS_TIMEOUT_SECONDS", default=0.5)
CACHES = {
    "default": {
        "BACKEND": "trivsel.cache.FailSoftRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": f"trivsel-{MODE}",
        "OPTIONS": {
            "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
            "socket_timeout": REDIS_TIMEOUT_SECONDS,
            # One try: redis-py's default retries would make each call of a stopped Redis
            # cost seconds.
            "retry": Retry(NoBackoff(), 0),
        },
    }
}

# --- Celery ----------------------------------------------------------------------------------
CELERY_BROKER_URL = _celery_redis_url(REDIS_URL)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Europe/Copenhagen"
# The periodic sweeps live in code, so every deployment runs the same schedule.
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {
        "task": "trivsel.notifications.tasks.heartbeat",
        "schedule": env.float("HEARTBEAT_SECONDS", default=60.0),
    },
    "grants-housekeeping": {
        "task": "cases.tasks.grants_housekeeping",
        "schedule": 15 * 60.0,
    },
    # Reminders (README "Påmindelser"): every clock of every app, then the e-mails.
    "reminders-sweep": {
        "task": "trivsel.notifications.tasks.reminders_sweep",
        "schedule": env.float("REMINDER_SWEEP_SECONDS", default=300.0),
    },
    # Work the broker did not take, or a dead worker left, is handed over again (trivsel/jobs.py).
    "meetings-jobs-resend": {
        "task": "meetings.tasks.jobs_resend",
        "schedule": env.float("JOB_RESEND_SECONDS", default=60.0),
    },
    # A dialogue-based notification exists from the end of its meeting (README "Reminders").
    "dialogue-meetings": {
        "task": "referrals.tasks.dialogue_meetings_sweep",
        "schedule": env.float("REMINDER_SWEEP_SECONDS", default=300.0),
    },
    # The figures of /tal/ are counted ahead (trivsel/figures/counting.py).
    "figures-refresh": {
        "task": "trivsel.figures.tasks.figures_refresh",
        "schedule": env.float("FIGURES_REFRESH_SECONDS", default=3600.0),
    },
    "email-outbox": {
        "task": "trivsel.notifications.tasks.email_outbox_drain",
        "schedule": env.float("REMINDER_EMAIL_SECONDS", default=60.0),
    },
    "password-reset-mails": {
        "task": "trivsel.notifications.tasks.password_reset_mails_send",
        "schedule": env.float("REMINDER_EMAIL_SECONDS", default=60.0),
    },
    # The failed-login log (addresses and user names) is kept only as long as it is useful.
    # Custody ends on the 18th birthday: the guardians' access ends with it (cases/tasks.py).
    "guardian-access-at-18": {
        "task": "cases.tasks.guardian_access_end_at_18",
        "schedule": crontab(minute=5, hour=0),
    },
    "login-failures-prune": {
        "task": "trivsel.organisation.tasks.login_failures_prune",
        "schedule": crontab(minute=20, hour=3),
    },
    # The log review (README "Logkontrol"): each unit's weekly sample of look-ups, drawn by the
    # first run of the week (hourly, so a week whose Monday run was missed is caught up), and the
    # unusual patterns in the recent look-ups.
    "log-review-samples": {
        "task": "trivsel.audit.tasks.lookup_samples_draw",
        "schedule": crontab(minute=10),
    },
    "log-alerts": {
        "task": "trivsel.audit.tasks.log_alerts_raise",
        "schedule": env.float("AUDIT_ALERT_SECONDS", default=600.0),
    },
    # Records past their retention period are deleted or anonymised (trivsel/retention), at night.
    "retention-sweep": {
        "task": "trivsel.retention.tasks.retention_sweep",
        "schedule": crontab(minute=40, hour=2),
    },
    "daily-digest": {
        "task": "trivsel.notifications.tasks.daily_digest",
        # Every hour from the digest hour on: a day whose first run was missed is caught up.
        "schedule": crontab(minute=0, hour=f"{env.int('REMINDER_DIGEST_HOUR', default=7)}-23"),
    },
}
# Days an item may stay overdue before its reminder is escalated to the responsible leader.
REMINDER_ESCALATION_DAYS = env.int("REMINDER_ESCALATION_DAYS", default=3)
# How many days back a digest reaches after days without one (beat or the workers down).
REMINDER_DIGEST_CATCH_UP_DAYS = env.int("REMINDER_DIGEST_CATCH_UP_DAYS", default=7)
# How far ahead each clock reminds, in days.
REMINDER_TASK_DAYS = env.int("REMINDER_TASK_DAYS", default=1)
REMINDER_REVIEW_DAYS = env.int("REMINDER_REVIEW_DAYS", default=7)
REMINDER_CONSENT_DAYS = env.int("REMINDER_CONSENT_DAYS", default=14)
REMINDER_AGE_18_DAYS = env.int("REMINDER_AGE_18_DAYS", default=90)
REMINDER_ROUND_DAYS = env.int("REMINDER_ROUND_DAYS", default=3)
# An insight request's answer (one month, GDPR art. 12(3)) is reminded this many days ahead.
REMINDER_INSIGHT_DAYS = env.int("REMINDER_INSIGHT_DAYS", default=7)
# How far ahead each statutory clock of a notification reminds (referrals/reminders.py).
UNDERRETNING_ASSESSMENT_AHEAD_HOURS = env.int("UNDERRETNING_ASSESSMENT_AHEAD_HOURS", default=12)
UNDERRETNING_RECEIPT_AHEAD_DAYS = env.int("UNDERRETNING_RECEIPT_AHEAD_DAYS", default=2)
UNDERRETNING_REVIEW_AHEAD_DAYS = env.int("UNDERRETNING_REVIEW_AHEAD_DAYS", default=7)
UNDERRETNING_INVESTIGATION_AHEAD_DAYS = env.int("UNDERRETNING_INVESTIGATION_AHEAD_DAYS", default=14)
# Days after a dialogue meeting before a confirmation of its minutes still missing becomes a
# task for the unit's leader (the notification and its clocks never wait for it).
DIALOGUE_CONFIRMATION_DAYS = env.int("DIALOGUE_CONFIRMATION_DAYS", default=3)
# How long a dialogue meeting lasts (Assens: 1–1½ hours): the notification exists from its end.
DIALOGUE_MEETING_MINUTES = env.int("DIALOGUE_MEETING_MINUTES", default=90)
# Leader figures (/tal/): a count of fewer children or cases than this is shown as "<N".
FIGURES_MINIMUM_COUNT = env.int("FIGURES_MINIMUM_COUNT", default=5)
# The log review: look-ups per unit and week put to the unit's leaders, and the thresholds of
# the unusual patterns told to the administrators and the data-protection officer: within
# AUDIT_ALERT_WINDOW_MINUTES, one user's children looked up outside her units, "Vis CPR", and
# refused look-ups.
AUDIT_REVIEW_SAMPLE_SIZE = env.int("AUDIT_REVIEW_SAMPLE_SIZE", default=5)
AUDIT_ALERT_WINDOW_MINUTES = env.int("AUDIT_ALERT_WINDOW_MINUTES", default=60)
AUDIT_ALERT_CHILDREN_OUTSIDE_UNITS = env.int("AUDIT_ALERT_CHILDREN_OUTSIDE_UNITS", default=20)
AUDIT_ALERT_CPR_REVEALS = env.int("AUDIT_ALERT_CPR_REVEALS", default=10)
AUDIT_ALERT_REFUSALS = env.int("AUDIT_ALERT_REFUSALS", default=10)
# Rows per sweep statement; e-mail claims run out after the lease and are then tried again.
REMINDER_BATCH_SIZE = env.int("REMINDER_BATCH_SIZE", default=10000)
# Rows the retention job removes per transaction (trivsel/retention/services.py).
RETENTION_BATCH_SIZE = env.int("RETENTION_BATCH_SIZE", default=2000)
REMINDER_EMAIL_LEASE_SECONDS = env.int("REMINDER_EMAIL_LEASE_SECONDS", default=300)
REMINDER_EMAIL_MAX_ATTEMPTS = env.int("REMINDER_EMAIL_MAX_ATTEMPTS", default=10)
# The address the links in e-mails start with (password reset, reminders, invitations): a
# production install without it would mail links that lead nowhere, so it must be named there.
SITE_URL = (
    env.str("SITE_URL") if PRODUCTION else env.str("SITE_URL", default="http://127.0.0.1:8000")
)

# --- Authentication ----------------------------------------------------------------------------
AUTH_USER_MODEL = "organisation.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "trivsel.organisation.backends.StaffModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
OIDC_ENABLED = env.bool("OIDC_ENABLED", default=False)
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.insert(1, "trivsel.organisation.backends.MunicipalOIDCBackend")
    OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET")
    OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT")
    OIDC_RP_SCOPES = "openid email profile"
    # The code of the municipality whose identity provider this is (Municipality.code, e.g.
    # "101"): only that municipality's users can sign in through it.
    OIDC_MUNICIPALITY = env.str("OIDC_MUNICIPALITY")
    # Only people the municipality has already set up may sign in; nobody is created on the fly.
    OIDC_CREATE_USER = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
DEMO_PASSWORD_ALLOWED = MODE in {"demo", "test"}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

if MODE == "test":
    # Hashing each test user's password at full strength would dominate the suite's run time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Lock an account (per user name and address) after repeated failures; the same answer is given
# whether or not the user exists.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Against password spraying (trivsel/organisation/lockout.py): besides the count per name and
# address above, at most LOGIN_FAILURES_PER_ADDRESS failures from one address across every user
# name (a school's staff may share one address) and LOGIN_FAILURES_PER_USERNAME failures for one
# name across every address, each within LOGIN_FAILURE_WINDOW_MINUTES; counted in axes' failure
# log in PostgreSQL.
AXES_HANDLER = "trivsel.organisation.lockout.SprayingLockoutHandler"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
LOGIN_FAILURES_PER_ADDRESS = env.int("LOGIN_FAILURES_PER_ADDRESS", default=30)
LOGIN_FAILURES_PER_USERNAME = env.int("LOGIN_FAILURES_PER_USERNAME", default=10)
LOGIN_FAILURE_WINDOW_MINUTES = env.int("LOGIN_FAILURE_WINDOW_MINUTES", default=15)
# Days a failed login (address, user name, time) stays in the log: long enough to look into an
# attack, then deleted by a nightly job (trivsel.organisation.tasks.login_failures_prune).
LOGIN_FAILURE_LOG_DAYS = env.int("LOGIN_FAILURE_LOG_DAYS", default=30)
AXES_RESET_ON_SUCCESS = True
# Reverse proxies in front of the web servers, each appending to X-Forwarded-For; the client's
# address is read through them (trivsel/client_address.py), for the lockout and the rate limit.
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "trivsel.client_address.client_ip"
AXES_VERBOSE = False

# --- Two-factor login (README "Totrinsbekræftelse") -------------------------------------------
# Administrators (is_staff, superusers) and the roles listed must use a second factor when
# TWO_FACTOR_REQUIRED is on (the default in production); everyone else may turn it on from their
# own page. The demo and the tests leave it to each user.
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=PRODUCTION)
# The data-protection officer reads the whole municipality's access log.
TWO_FACTOR_REQUIRED_ROLES = env.list(
    "TWO_FACTOR_REQUIRED_ROLES",
    default=["administrator", "socialraadgiver", "teamleder", "databeskyttelsesraadgiver"],
)
TWO_FACTOR_RECOVERY_CODES = env.int("TWO_FACTOR_RECOVERY_CODES", default=10)
# The name the authenticator app shows next to the code.
OTP_TOTP_ISSUER = env.str("TWO_FACTOR_ISSUER", default="Trivsel+")
# After each wrong code a device refuses every code for 2^(failures-1) × this many seconds, so
# codes cannot be guessed even by someone who logs in with the password again and again (the
# lockout's count starts anew at each right password).
OTP_TOTP_THROTTLE_FACTOR = env.int("TWO_FACTOR_THROTTLE_SECONDS", default=1)
OTP_STATIC_THROTTLE_FACTOR = OTP_TOTP_THROTTLE_FACTOR
# A wrong code counts towards the lockout like a wrong password; the code itself is not kept.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
# An OIDC login counts as two-factor when the identity provider says so in the ID token: an
# `amr` value among these (RFC 8176), or an `acr` among these (NSIS levels of assurance).
TWO_FACTOR_OIDC_AMR = env.list("TWO_FACTOR_OIDC_AMR", default=["mfa", "otp", "hwk"])
TWO_FACTOR_OIDC_ACR = env.list(
    "TWO_FACTOR_OIDC_ACR",
    default=[
        "https://data.gov.dk/concept/core/nsis/loa/Substantial",
        "https://data.gov.dk/concept/core/nsis/loa/High",
    ],
)

# Idle timeout: the session lives SESSION_IDLE_MINUTES after the last request (refreshed at
# most once a minute by trivsel.middleware.SessionIdleMiddleware).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Sessions in the database: every web process shares them and the row's expiry enforces the
# idle timeout.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Security headers -------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env.bool("BEHIND_TLS_PROXY", default=True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# No inline scripts anywhere; htmx is configured through a meta tag, not inline code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF] + ([env.str("OIDC_OP_ORIGIN")] if OIDC_ENABLED else []),
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- E-mail --------------------------------------------------------------------------------
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
# EMAIL_URL (e.g. smtp://user:password@host:587/?tls=True) is required in production and taken
# whenever it is given (the killed-worker tests send through a local SMTP server).
if PRODUCTION or env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
# For EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend (the worker tests).
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / ".data" / "mail"))
# A hung SMTP server must give up well inside the e-mail lease (REMINDER_EMAIL_LEASE_SECONDS),
# or another worker could claim the same e-mail and send it twice.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Trivsel+ <noreply@trivsel.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Language and time ---------------------------------------------------------------------------
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Copenhagen"
USE_TZ = True
DATE_FORMAT = "d.m.Y"
SHORT_DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = "d.m.Y H:i"
FORMAT_MODULE_PATH = ["trivsel.formats"]

# --- Handovers (DOMAIN.md §7) -------------------------------------------------------------------
# The sender keeps read access to a handover it sent for this many days (the follow-up thread).
HANDOVER_FOLLOW_UP_DAYS = env.int("HANDOVER_FOLLOW_UP_DAYS", default=90)
# The evaluation of a transition, where one is needed, falls due this many days after it.
HANDOVER_EVALUATION_DAYS = env.int("HANDOVER_EVALUATION_DAYS", default=105)

# --- Consent and the exchange without consent (DOMAIN.md §5) ----------------------------------
# A consent lasts at most this many months; the form says so and the service refuses longer.
CONSENT_MAX_MONTHS = env.int("CONSENT_MAX_MONTHS", default=12)
# A young person may have their own login from this age (a basis of its own in the access
# engine): their own page, consents, meetings and minutes, their own words. The guardians' access
# ends on the 18th birthday whatever this says (cases.tasks.guardian_access_end_at_18).
YOUNG_PERSON_OWN_LOGIN_AGE = env.int("YOUNG_PERSON_OWN_LOGIN_AGE", default=15)
# The one-meeting exchange without consent: access on the meeting day and for this many days of
# minutes follow-up after it (and after the follow-up meeting, if one is held).
EXCHANGE_FOLLOW_UP_DAYS = env.int("EXCHANGE_FOLLOW_UP_DAYS", default=14)
# The roles of the fields the law names for the exchange (daycare, school, SFO, health visiting
# and municipal health, the social-work side); only they take part in it or set it up.
EXCHANGE_ROLES = env.list(
    "EXCHANGE_ROLES",
    default=[
        "paedagog",
        "dagplejer",
        "laerer",
        "sfo_paedagog",
        "leder",
        "ressourcepaedagog",
        "sundhedsplejerske",
        "socialraadgiver",
        "teamleder",
    ],
)

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / ".data" / "staticfiles"
# The design system comes from npm at set-up (make), never from the repository.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("dkfds", BASE_DIR / "node_modules" / "dkfds" / "dist"),
    # Chart.js draws the charts of /tal/ (static/js/figures.js).
    ("chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if MODE == "test":
    # The browser tests' live server serves static files straight from the finders, which know
    # the plain names, not the manifest's hashed ones.
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# --- Logging: one line per event, CPR numbers masked whatever the message says ------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_cpr": {"()": "trivsel.audit.logging.MaskCprFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_cpr"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # The request line holds the URL; these loggers also pass the mask.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # axes logs every successful login at INFO; failures and lockouts stay visible.
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None

TEST_RUNNER = "django.test.runner.DiscoverRunner"

# Imports (README "Import"): how long an uploaded file waits for its confirmation, the largest
# file taken, and the drop folder of the nightly enrolment sync (one folder per municipality code;
# no beat entry without it).
IMPORT_PREVIEW_MINUTES = env.int("IMPORT_PREVIEW_MINUTES", default=60)
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_MB", default=50) * 1024 * 1024
IMPORT_DROP_DIR = env.str("IMPORT_DROP_DIR", default="")
# The nightly sync refuses a file that would end more than this share of what it covers.
IMPORT_MAX_END_PERCENT = env.int("IMPORT_MAX_END_PERCENT", default=20)
CELERY_BEAT_SCHEDULE["imports-expire"] = {
    "task": "cases.tasks.imports_expire",
    "schedule": 15 * 60.0,
}
if IMPORT_DROP_DIR:
    CELERY_BEAT_SCHEDULE["imports-drop-folder"] = {
        "task": "cases.tasks.imports_drop_folder",
        "schedule": crontab(
            minute=env.int("IMPORT_DROP_MINUTE", default=30),
            hour=env.int("IMPORT_DROP_HOUR", default=2),
        ),
    }
