"""Every link works for whoever sees it (DESIGN.md §3): logged in as each demo persona, follow
every link and htmx request the pages show, open every form and submit it as it stands (inside a
transaction that is rolled back, so the crawl changes nothing) — none may answer 404 or 403.

The crawl starts at "Mit overblik" and stays on the product's own pages (not /admin/, not the
static files, not the logout and language forms). A page pattern is visited for a few objects per
persona, which keeps the crawl lean while every kind of page is still opened by everyone shown
it."""

from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve

from trivsel.organisation.demo_logins import DEMO_USERNAMES
from trivsel.organisation.models import User

# Each URL pattern is opened for at most this many objects per persona.
PER_PATTERN = 4
SKIPPED_PREFIXES = ("/admin/", "/static/", "/sprog/", "/log-ud/")


class _Rollback(Exception):
    pass


class PageParser(HTMLParser):
    """The links (a href, hx-get) and forms (action, method and the values a submit would send)
    of one page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.forms = [], []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("hx-get", "data-hx-get"):
            if attrs.get(name):
                self.links.append(attrs[name])
        for name in ("hx-post", "data-hx-post"):
            if attrs.get(name) and tag != "form":
                # htmx sends the enclosing form's fields with it.
                data = self._form["data"] if self._form is not None else {}
                self.forms.append({"action": attrs[name], "method": "post", "data": data})
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self._form = {
                "action": attrs.get("action") or "",
                "method": (attrs.get("method") or "get").lower(),
                "data": {},
                "submitted": False,
            }
            self.forms.append(self._form)
        elif self._form is not None:
            self._field(tag, attrs)

    def _field(self, tag, attrs):
        data, name = self._form["data"], attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    data.setdefault(name, attrs.get("value", "on"))
            elif kind == "submit":
                if not self._form["submitted"]:
                    self._form["submitted"] = True
                    data[name] = attrs.get("value", "")
            else:
                data.setdefault(name, attrs.get("value", ""))
        elif tag == "button" and name and not self._form["submitted"]:
            self._form["submitted"] = True
            data[name] = attrs.get("value", "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            data[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            data.setdefault(name, "")

    def handle_data(self, text):
        if self._textarea and self._form is not None:
            self._form["data"][self._textarea] += text

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _internal(base, href):
    url, _fragment = urldefrag(urljoin(base, href))
    parts = urlsplit(url)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    if not parts.path.startswith("/") or parts.path.startswith(SKIPPED_PREFIXES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _pattern(url):
    try:
        return resolve(urlsplit(url).path).route
    except Resolver404:
        return url


def crawl(client):
    """{url or 'POST url': (status, the page that showed it)} of every page, link and form
    reachable from the home page."""
    seen, results = set(), {}
    per_pattern = Counter()
    queue = deque([("/", None)])
    while queue:
        url, shown_on = queue.popleft()
        response = client.get(url)
        results[url] = (response.status_code, shown_on)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = PageParser()
        parser.feed(response.content.decode())
        targets = [("get", _internal(url, href), None) for href in parser.links]
        for form in parser.forms:
            action = _internal(url, form["action"] or url)
            targets.append((form["method"], action, form["data"]))
        for method, target, data in targets:
            if target is None:
                continue
            key = (method, target if method == "get" else urlsplit(target).path)
            if key in seen:
                continue
            seen.add(key)
            pattern = (method, _pattern(target))
            if per_pattern[pattern] >= PER_PATTERN:
                continue
            per_pattern[pattern] += 1
            if method == "get":
                queue.append((target, url))
            else:
                results[f"POST {target}"] = (_post_and_roll_back(client, target, data), url)
    return results


def _post_and_roll_back(client, url, data):
    status = None
    try:
        with transaction.atomic():
            status = client.post(url, data).status_code
            raise _Rollback
    except _Rollback:
        pass
    return status


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("seed_demo", verbosity=0)
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.parametrize("username", DEMO_USERNAMES)
def test_no_link_or_form_shown_to_a_persona_answers_404_or_403(demo_world, db, username):
    client = Client()
    client.force_login(
        User.objects.get(username=username),
        backend="trivsel.organisation.backends.StaffModelBackend",
    )
    results = crawl(client)
    assert len(results) > 5, results  # the crawl did reach the persona's pages
    broken = {url: found for url, found in results.items() if found[0] in (403, 404, 405)}
    assert not broken, broken


def test_every_persona_has_work_on_mit_overblik_and_every_line_opens(demo_world, db):
    """The demo gives every persona something to do, and each line of the work list (not only
    the few per page pattern the crawl follows) opens for her."""
    from tests.test_home import links

    for username in DEMO_USERNAMES:
        client = Client()
        client.force_login(
            User.objects.get(username=username),
            backend="trivsel.organisation.backends.StaffModelBackend",
        )
        hrefs = links(client.get("/").content.decode())
        lines = [h for h in hrefs if "?filter=" not in h]
        assert lines, f"{username} has nothing to do on Mit overblik"
        for href in hrefs:
            assert client.get(href).status_code == 200, (username, href)
