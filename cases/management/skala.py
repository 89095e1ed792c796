"""The fictitious data of "Skala Kommune", the benchmarks' large municipality (seed_scale): its
code and name, the words its units and people are named from, and the batch sizes."""

from trivsel.organisation.models import Role, UnitType

SKALA_NAME = "Skala Kommune"
SKALA_CODE = "997"
BATCH = 5000
GRANT_CHUNK = 2000
DISTRICTS = ("Nord", "Syd", "Øst", "Vest", "Midt")

GIRLS = (
    "Emma", "Ida", "Clara", "Freja", "Alma", "Ella", "Sofia", "Karla", "Olivia", "Agnes",
    "Laura", "Josefine", "Anna", "Nora", "Lea", "Ellen", "Mathilde", "Asta", "Liva", "Signe",
    "Maja", "Aya", "Frida", "Vigga", "Esther", "Lærke", "Isabella", "Mille", "Luna", "Marie",
)  # fmt: skip
BOYS = (
    "William", "Noah", "Oscar", "Lucas", "Carl", "Victor", "Alfred", "Malthe", "Emil", "Aksel",
    "Elias", "Valdemar", "Magnus", "Arthur", "Otto", "August", "Frederik", "Anton", "Johan",
    "Theo", "Liam", "Villads", "Mads", "Storm", "Karl", "Felix", "Benjamin", "Ali", "Jens", "Ole",
)  # fmt: skip
LAST_NAMES = (
    "Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
    "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen",
    "Christiansen", "Poulsen", "Johansen", "Møller", "Mortensen", "Knudsen", "Jakobsen",
    "Mikkelsen", "Frederiksen", "Henriksen", "Laursen", "Lund", "Holm", "Schmidt", "Eriksen",
    "Kristiansen", "Simonsen", "Clausen", "Svendsen", "Andreasen", "Iversen", "Jeppesen",
    "Vestergaard", "Mogensen", "Nissen", "Kaya", "Yilmaz", "Ahmed", "Hussein", "Nowak",
)  # fmt: skip
PLACE_WORDS = (
    "Bakke", "Skov", "Strand", "Eng", "Sø", "Mølle", "Kirke", "Lunde", "Højvang", "Vestre",
    "Østre", "Nørre", "Søndre", "Hede", "Kilde", "Ege", "Bøge", "Lind", "Aske", "Rosen",
    "Fjord", "Bro", "Toft", "Vang", "Holm", "Mark", "Dal", "Næs", "Havre", "Slots",
)  # fmt: skip
DAYCARE_WORDS = (
    "Solsikken", "Mælkebøtten", "Kastanjen", "Myretuen", "Regnbuen", "Troldehøjen", "Spiren",
    "Bikuben", "Mariehønen", "Skovbrynet", "Egernet", "Æblehaven", "Humlebien", "Lærken",
    "Svalen", "Stjernen", "Kløveret", "Valmuen", "Pilen", "Rønnebærret",
)  # fmt: skip

TITLES = {
    Role.PAEDAGOG: "Pædagog",
    Role.CHILDMINDER: "Dagplejer",
    Role.TEACHER: "Lærer",
    Role.SFO_PAEDAGOG: "SFO-pædagog",
    Role.LEADER: "Leder",
    Role.HEALTH_VISITOR: "Sundhedsplejerske",
    Role.PPR_PSYCHOLOGIST: "PPR-psykolog",
    Role.RESOURCE_PAEDAGOG: "Ressourcepædagog",
    Role.SPEECH_CONSULTANT: "Tale-hørekonsulent",
    Role.SOCIAL_WORKER: "Socialrådgiver",
    Role.TEAM_LEADER: "Teamleder",
    Role.SSP_CONSULTANT: "SSP-konsulent",
    Role.UU_COUNSELLOR: "UU-vejleder",
}
LEADER_TITLES = {
    UnitType.SCHOOL: "Skoleleder",
    UnitType.AFTER_SCHOOL: "SFO-leder",
    UnitType.YOUTH_CLUB: "Klubleder",
    UnitType.HEALTH_VISITING: "Ledende sundhedsplejerske",
}
DAYCARE_TYPES = (
    UnitType.CHILDMINDING,
    UnitType.NURSERY,
    UnitType.KINDERGARTEN,
    UnitType.INTEGRATED,
)


def _numbered(pattern, words, count):
    """`count` distinct names from `words`, numbered once the words run out."""
    names = []
    for i in range(count):
        round_ = i // len(words)
        names.append(pattern.format(words[i % len(words)]) + (f" {round_ + 1}" if round_ else ""))
    return names


def _chunks(items, size):
    return [items[i : i + size] for i in range(0, len(items), size)]
