"""Does a text identify a person? Asked of what must stay anonymous or general: an anonymous
consultation's topic (referrals), a forum's theme on the agenda (meetings). One set of rules, so
no app is stricter or weaker than another."""

import re

from django.utils.translation import gettext as _

from .audit.cpr import CPR_PATTERN

# A word that may be a name: capitalised, letters (Danish too), digits or hyphens after.
_CAPITALISED_WORD = re.compile(r"\b[A-ZÆØÅ][\wæøåÆØÅ-]+")
# Two or more capitalised words in a row: what a full name looks like.
_FULL_NAME = re.compile(r"\b[A-ZÆØÅ][a-zæøå]+(?:\s+[A-ZÆØÅ][a-zæøå]+)+")


def capitalised_words(text):
    return set(_CAPITALISED_WORD.findall(text))


def identifying_problems(*texts, someone_named=None):
    """What in the texts may identify a person, as sentences to show (Danish in the UI), in a
    fixed order and each once: a CPR number (with or without the dash or a space), the name of
    someone the caller knows of, or something that looks like a person's full name.

    The platform knows no children: `someone_named(words)` answers whether one of a text's
    capitalised words is the name of such a person (the apps ask their children). Each text is
    read on its own, so a title's last word and a description's first are not taken for a
    name."""
    found = set()
    for text in texts:
        if CPR_PATTERN.search(text):
            found.add("cpr")
        words = capitalised_words(text)
        if words and someone_named is not None and someone_named(words):
            found.add("named")
        elif _FULL_NAME.search(text):
            found.add("full_name")
    messages = {
        "cpr": _("The text contains something that looks like a CPR number."),
        "named": _("The text contains the name of a child."),
        "full_name": _("The text seems to contain a person's full name."),
    }
    return [message for key, message in messages.items() if key in found]
