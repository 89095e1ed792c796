import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trivsel.settings")

application = get_wsgi_application()

# Fail loudly at start-up when a demo login with the demo password exists outside the demo.
from trivsel.checks import refuse_demo_passwords  # noqa: E402

refuse_demo_passwords()
