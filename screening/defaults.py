"""The default screening forms shipped with Trivsel+, written in our own words. Four areas with
a few plain focus questions each; a municipality copies and edits them as it likes."""

GREEN = (
    "Barnet trives. Det er i god udvikling og indgår i fællesskabet med glæde. "
    "Vi fortsætter den almene pædagogiske indsats."
)
YELLOW = (
    "Vi undrer os over noget. Der er tegn, vi vil være opmærksomme på og forstå bedre, "
    "sammen med forældrene. Vi aftaler, hvad vi gør, og følger op."
)
RED = (
    "Der er grund til bekymring. Barnets trivsel eller udvikling er udfordret på en måde, der "
    "kræver en målrettet indsats nu og eventuelt tværfaglig sparring."
)


def _areas(learning, emotional, social, physical):
    return [
        {"title": "Læring og nysgerrighed", "questions": learning},
        {"title": "Følelser og selvværd", "questions": emotional},
        {"title": "Fællesskab og relationer", "questions": social},
        {"title": "Krop, motorik og sundhed", "questions": physical},
    ]


DEFAULT_TEMPLATES = [
    {
        "sector": "sundhedspleje",
        "name": "Trivselsskema for sundhedspleje (0–1 år)",
        "rates_context": True,
        "areas": _areas(
            ["Reagerer barnet på lyde, ansigter og stemmer?", "Udforsker barnet sine omgivelser?"],
            ["Lader barnet sig trøste?", "Virker barnet tilpas det meste af tiden?"],
            ["Søger barnet kontakt med sine nære voksne?", "Er der gensidig kontakt og glæde?"],
            ["Spiser, sover og vokser barnet som forventet?", "Bevæger barnet sig alderssvarende?"],
        ),
    },
    {
        "sector": "dagpleje_vuggestue",
        "name": "Trivselsskema for dagpleje og vuggestue (0–3 år)",
        "areas": _areas(
            ["Viser barnet interesse for legetøj og aktiviteter?", "Bruger barnet lyde og ord?"],
            ["Kan barnet falde til ro med hjælp fra en voksen?", "Viser barnet glæde?"],
            ["Søger barnet de andre børn?", "Tager barnet imod hjælp og omsorg?"],
            ["Kravler, går og klatrer barnet med lyst?", "Spiser og sover barnet godt?"],
        ),
    },
    {
        "sector": "boernehave",
        "name": "Trivselsskema for børnehave (3–6 år)",
        "areas": _areas(
            ["Er barnet nysgerrigt og optaget af at lære nyt?", "Kan barnet fortælle og lytte?"],
            ["Kan barnet rumme skuffelser og sige til og fra?", "Virker barnet tryg og glad?"],
            ["Har barnet nogen at lege med?", "Kan barnet indgå i fælles lege og aktiviteter?"],
            ["Har barnet lyst til at bevæge sig?", "Virker barnet udhvilet og mæt?"],
        ),
    },
    {
        "sector": "skole_sfo",
        "name": "Trivselsskema for skole og SFO (6–16 år)",
        "areas": _areas(
            ["Deltager eleven i undervisningen og får udbytte af den?", "Møder eleven til tiden?"],
            ["Har eleven tro på sig selv?", "Virker eleven glad for at være i skole?"],
            ["Har eleven venner i klassen eller SFO'en?", "Indgår eleven i fællesskabet?"],
            ["Virker eleven udhvilet og mæt?", "Deltager eleven i idræt og leg?"],
        ),
    },
    {
        "sector": "klub",
        "name": "Trivselsskema for klub",
        "areas": _areas(
            ["Har den unge noget, den er optaget af?", "Går det med skolen?"],
            ["Virker den unge glad og tryg?", "Kan den unge tale om det, der er svært?"],
            ["Har den unge gode venner?", "Er der voksne, den unge stoler på?"],
            ["Sover og spiser den unge nogenlunde fast?", "Er den unge fysisk aktiv?"],
        ),
    },
]


def install_default_templates(FormTemplate):
    """Create the shipped forms once (used by a data migration and by the demo)."""
    for spec in DEFAULT_TEMPLATES:
        FormTemplate.objects.get_or_create(
            municipality=None,
            sector=spec["sector"],
            version=1,
            defaults={
                "name": spec["name"],
                "areas": spec["areas"],
                "green_text": GREEN,
                "yellow_text": YELLOW,
                "red_text": RED,
                "rates_context": spec.get("rates_context", False),
            },
        )
