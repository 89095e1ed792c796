"""Rating a whole class with the keyboard only, in Debian's Chromium, against the product served
from this process (the open round of seed_scale_marks: a school class at the scale of one large
municipality).

It measures what the machine adds to a person's time: the keystrokes per child and the wall time
from the first keystroke until every mark is saved (the page says "n af n vurderet" and every
row "Gemt"). A person's own time per child (looking at the name, deciding) is not something a
benchmark can measure; the projection printed at the end states its assumption.

The baseline is the same keystrokes on a page that saves nothing (Chromium's own speed)."""

import time

from django.core.management import call_command
from django.test import Client
from django.test.testcases import LiveServerThread
from django.urls import reverse
from playwright.sync_api import sync_playwright

from screening.management.commands.seed_scale_marks import benchmark_rounds
from screening.models import Rating
from trivsel.organisation.models import Role, StaffProfile

CHROMIUM = "/usr/bin/chromium"
BACKEND = "trivsel.organisation.backends.StaffModelBackend"
# Per child: ArrowRight (choose or change the position), Tab (to the comment), Tab (to the next
# child's positions).
KEYS_PER_CHILD = ("ArrowRight", "Tab", "Tab")
# The assumption behind the projection: a person who knows the group spends this long per child
# deciding, and this long per keystroke.
SECONDS_DECIDING_PER_CHILD = 3.0
SECONDS_PER_KEYSTROKE = 0.25
GROUP_SIZE = 25

BLANK_PAGE = """<!doctype html><html lang="da"><title>x</title><body>{rows}</body></html>"""
BLANK_ROW = (
    "<fieldset><legend>Barn {i}</legend>"
    '<label><input type="radio" name="p{i}" value="1">1</label>'
    '<label><input type="radio" name="p{i}" value="2">2</label>'
    '<label><input type="radio" name="p{i}" value="3">3</label>'
    '<input type="text" aria-label="k{i}"></fieldset>'
)


def run():
    call_command("seed_scale")
    call_command("seed_scale_marks")
    open_round, _joint = benchmark_rounds()
    rater = (
        StaffProfile.objects.filter(groups=open_round.group)
        .exclude(roles__contains=[Role.LEADER])
        .order_by("user_id")
        .first()
    )
    client = Client()
    client.force_login(rater.user, backend=BACKEND)
    session_id = client.cookies["sessionid"].value

    server = LiveServerThread("127.0.0.1", lambda handler: handler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    base_url = f"http://127.0.0.1:{server.port}"
    rate_url = reverse("screening:round_rate", args=[open_round.pk])
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            context = browser.new_context(base_url=base_url, locale="da-DK")
            context.add_cookies([{"name": "sessionid", "value": session_id, "url": base_url}])
            page = context.new_page()
            failures = []
            page.on(
                "response",
                lambda r: failures.append(f"{r.status} {r.url}") if r.status >= 400 else None,
            )
            page.goto(rate_url)
            children = page.locator("form.trivsel-rating-row").count()

            blank = context.new_page()
            blank.set_content(
                BLANK_PAGE.format(rows="".join(BLANK_ROW.format(i=i) for i in range(children)))
            )
            baseline = _type_through(blank, children)

            elapsed = _type_through(page, children)
            try:
                page.get_by_text(f"{children} af {children} vurderet").wait_for()
            except Exception:
                print("failed responses:", failures[:5])
                print(page.locator("#progress").inner_text())
                raise
            page.locator(".trivsel-save-status", has_text="Gemt").nth(children - 1).wait_for()
            saved_after = time.perf_counter() - elapsed["start"]
            browser.close()
    finally:
        server.terminate()

    keystrokes = len(KEYS_PER_CHILD) * children
    marks = Rating.objects.filter(round=open_round, rater=rater.user).count()
    print(f"class: {open_round.group} ({children} children), rater {rater.user.username}")
    print(
        f"keystrokes: {len(KEYS_PER_CHILD)} per child ({' '.join(KEYS_PER_CHILD)}), "
        f"{keystrokes} in all"
    )
    print(f"{'typing, page that saves nothing (baseline)':<45} {baseline['seconds']:6.2f} s")
    print(
        f"{'typing on the rating page':<45} {elapsed['seconds']:6.2f} s "
        f"({elapsed['seconds'] / baseline['seconds']:.1f}× baseline)"
    )
    print(
        f"{'first keystroke → every mark saved':<45} {saved_after:6.2f} s "
        f"({marks} marks in the database)"
    )
    machine_per_child = saved_after / children
    person = GROUP_SIZE * (SECONDS_DECIDING_PER_CHILD + len(KEYS_PER_CHILD) * SECONDS_PER_KEYSTROKE)
    print(
        f"projection for {GROUP_SIZE} children, assuming {SECONDS_DECIDING_PER_CHILD:.0f} s "
        f"deciding per child and {SECONDS_PER_KEYSTROKE} s per keystroke: "
        f"{person:.0f} s for the person + "
        f"{GROUP_SIZE * machine_per_child:.1f} s machine time = "
        f"{person + GROUP_SIZE * machine_per_child:.0f} s (target < 120 s)"
    )


def _type_through(page, children):
    page.locator("input[type=radio]").first.focus()
    start = time.perf_counter()
    for _child in range(children):
        for key in KEYS_PER_CHILD:
            page.keyboard.press(key)
    return {"start": start, "seconds": time.perf_counter() - start}
