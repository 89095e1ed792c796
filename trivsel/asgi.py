import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trivsel.settings")

application = get_asgi_application()

from trivsel.checks import refuse_demo_passwords  # noqa: E402

refuse_demo_passwords()
