"""The simulated people of the load benchmark (bench/load.py starts locust with this file).

Run by locust, not by Django: it knows the product only through HTTP. bench/load.py signs the
personas in beforehand and passes their session cookies and the pages to use in a JSON file
named by LOAD_PLAN. Think times are shortened (a real teacher rates a child in 10-20 s, here
in 1-3 s) so a few dozen simulated people make the load of a few hundred real ones."""

import json
import os
import random
import re
import uuid

from locust import HttpUser, between, task

PLAN = json.loads(open(os.environ["LOAD_PLAN"]).read())  # noqa: SIM115 (read once at import)
CSRF_IN_PAGE = re.compile(r'"X-CSRFToken": "([^"]+)"')
STARTED_IN_FORM = re.compile(r'name="started" value="([^"]+)"')


class Persona(HttpUser):
    abstract = True
    persona = ""

    def on_start(self):
        self.client.cookies.update(PLAN["cookies"][self.persona])
        self.csrf = ""

    def page(self, path, name, **headers):
        response = self.client.get(path, name=name, headers=headers)
        token = CSRF_IN_PAGE.search(response.text)
        if token:
            self.csrf = token.group(1)
        return response


class Rater(Persona):
    """A pædagog or teacher rating the children of her group, one autosave per child."""

    weight = 5
    persona = "rater"
    wait_time = between(1, 3)

    @task
    def rate_a_child(self):
        rating = PLAN["rating"]
        if not self.csrf:
            self.page(rating["page"], "rater: rating page")
        self.client.post(
            rating["save"],
            {
                "child": random.choice(rating["children"]),  # noqa: S311
                "position": random.choice(["groen", "groen", "groen", "gul", "roed"]),  # noqa: S311
            },
            headers={"X-CSRFToken": self.csrf, "HX-Request": "true"},
            name="rater: autosave a mark",
        )

    @task(1)
    def open_the_page_again(self):
        self.page(PLAN["rating"]["page"], "rater: rating page")


class SocialWorker(Persona):
    """A socialrådgiver working the intake queue: the page, and its htmx refresh."""

    weight = 2
    persona = "social_worker"
    wait_time = between(2, 5)

    @task(1)
    def intake(self):
        self.page("/underretninger/", "social worker: intake page")

    @task(4)
    def refresh(self):
        name = "social worker: intake refresh (htmx)"
        self.page("/underretninger/", name, **{"HX-Request": "true"})

    @task(1)
    def notification(self):
        if PLAN["notifications"]:
            path = random.choice(PLAN["notifications"])  # noqa: S311
            self.page(path, "social worker: one notification")


class Leader(Persona):
    """A leader opening the meetings, a meeting and now and then its minutes as PDF."""

    weight = 1
    persona = "leader"
    wait_time = between(2, 6)

    @task(3)
    def meetings(self):
        self.page("/moeder/", "leader: meetings")

    @task(3)
    def meeting(self):
        self.page(PLAN["meeting"], "leader: a meeting")

    @task(1)
    def minutes_pdf(self):
        self.page(PLAN["minutes_pdf"], "leader: minutes as PDF")


class Parent(Persona):
    """A guardian reading her overview and her child's page."""

    weight = 2
    persona = "parent"
    wait_time = between(3, 8)

    @task
    def overview(self):
        self.page("/", "parent: overview")

    @task
    def child(self):
        self.page(PLAN["child"], "parent: child's page")


class Citizen(HttpUser):
    """Citizens using the public notification form, each from an address of her own (behind
    the municipality's proxy, as in production), so the form's rate limit sees separate people."""

    weight = 1
    wait_time = between(3, 6)

    @task
    def notify(self):
        # Each notification from a new person: one citizen rarely sends two, and the form's rate
        # limit would rightly stop one address sending a notification every few seconds.
        address = "10." + ".".join(str(random.randint(1, 254)) for _ in range(3))  # noqa: S311
        headers = {"X-Forwarded-For": address}
        form = self.client.get(PLAN["public_form"], name="citizen: the form", headers=headers)
        started = STARTED_IN_FORM.search(form.text)
        token = CSRF_IN_PAGE.search(form.text) or re.search(
            r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text
        )
        if not started or not token:
            return
        self._sleep(3.5)  # the form refuses what is filled in faster than a person can
        with self.client.post(
            PLAN["public_form"],
            {
                "anonymous": "on",
                "child_name": "Drengen i opgang 4",
                "category": "neglect",
                "text": f"{PLAN['marker']} {uuid.uuid4()}",
                "started": started.group(1),
                "csrfmiddlewaretoken": token.group(1),
            },
            headers={**headers, "Referer": self.host + PLAN["public_form"]},
            allow_redirects=False,
            catch_response=True,
            name="citizen: send a notification",
        ) as response:
            if response.status_code == 302 and response.headers["Location"].endswith("/tak/"):
                response.success()
            else:
                response.failure(f"not received: {response.status_code}")

    def _sleep(self, seconds):
        import gevent

        gevent.sleep(seconds)
