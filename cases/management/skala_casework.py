"""seed_scale's involvements and consents: the social workers, PPR and handovers to school
around a share of Skala's children (a mixin of seed_scale's builder, which gives it the children,
units, staff and the random generator)."""

from datetime import timedelta

from cases.management.skala import BATCH
from cases.models import Consent, ConsentEvidence, ConsentStatus, DataKind, Involvement
from trivsel.organisation.models import Role, UnitType


class CaseworkSteps:
    # --- involvements and consents --------------------------------------------------------------

    def _casework(self):
        rng, today, units = self.rng, self.today, self.units
        children = self.children
        n = len(children)
        family = units[UnitType.SOCIAL_AUTHORITY][0]
        social_workers = self.staff_by_role[Role.SOCIAL_WORKER]
        team_leaders = self.staff_by_role[Role.TEAM_LEADER] or [None]
        psychologists = self.staff_by_role[Role.PPR_PSYCHOLOGIST]

        def ppr_for(child):
            district = self.placement[child.pk].district
            return self.ppr_by_district.get(district) or units[UnitType.PPR][0]

        def psychologist_at(ppr):
            local = [u for role, u in self.staff_by_unit[ppr.pk] if role == Role.PPR_PSYCHOLOGIST]
            return rng.choice(local or psychologists) if (local or psychologists) else None

        involvements = []
        # 5 %: a social worker is involved (statutory basis: every kind of information).
        if social_workers:
            for i in rng.sample(range(n), round(n * 0.05)):
                leader = rng.choice(team_leaders)
                involvements.append(
                    Involvement(
                        child_id=children[i].pk,
                        person_id=rng.choice(social_workers).pk,
                        unit_id=family.pk,
                        role="Socialrådgiver",
                        purpose="Sagsbehandling efter underretning",
                        start=today - timedelta(days=rng.randrange(1, 365)),
                        statutory=True,
                        created_by_id=leader.pk if leader else None,
                    )
                )
        # 5 %: a PPR psychologist is involved, with the parents' consent to PPR.
        ppr_children = rng.sample(range(n), round(n * 0.05))
        consents = []  # (consent, recipient unit)
        for i in ppr_children:
            child = children[i]
            ppr = ppr_for(child)
            psychologist = psychologist_at(ppr)
            involvements.append(
                Involvement(
                    child_id=child.pk,
                    person_id=psychologist.pk if psychologist else None,
                    unit_id=ppr.pk,
                    role="PPR-psykolog",
                    purpose="Observation og sparring om trivsel og læring",
                    start=today - timedelta(days=rng.randrange(1, 365)),
                )
            )
            consents.append(
                (
                    self._consent(
                        i,
                        kinds=[DataKind.BASIC, DataKind.SCREENING],
                        purpose="Drøftelse af barnets trivsel i det tværfaglige team med PPR",
                        recorded_by=psychologist,
                    ),
                    ppr,
                )
            )
        # About 5 % more: the year before school, consent to a handover to the coming school.
        before_school = [i for i, c in enumerate(children) if self.grade[c.pk] == -1]
        for i in rng.sample(before_school, min(len(before_school), round(n * 0.05))):
            child = children[i]
            daycare = self.placement[child.pk]
            school = rng.choice(
                self.schools_by_district.get(daycare.district) or units[UnitType.SCHOOL]
            )
            leaders = [u for role, u in self.staff_by_unit[daycare.pk] if role == Role.LEADER]
            consents.append(
                (
                    self._consent(
                        i,
                        kinds=[DataKind.BASIC, DataKind.HANDOVER],
                        purpose="Overlevering til skolestart",
                        recorded_by=leaders[0] if leaders else None,
                    ),
                    school,
                )
            )
        Involvement.objects.bulk_create(involvements, batch_size=BATCH)
        Consent.objects.bulk_create([c for c, _ in consents], batch_size=BATCH)
        recipients = Consent.recipient_units.through
        recipients.objects.bulk_create(
            (recipients(consent_id=c.pk, unit_id=unit.pk) for c, unit in consents),
            batch_size=BATCH,
        )
        expired = sum(c.valid_until < today for c, _ in consents)
        self.summary["involvements"] = len(involvements)
        self.summary["consents"] = len(consents)
        self.log_step(
            f"{len(involvements)} involvements, {len(consents)} consents ({expired} expired)"
        )

    def _consent(self, index, *, kinds, purpose, recorded_by):
        rng, today = self.rng, self.today
        if rng.random() < 0.2:  # expired
            valid_until = today - timedelta(days=rng.randrange(1, 90))
            valid_from = valid_until - timedelta(days=180)
        else:
            valid_from = today - timedelta(days=rng.randrange(0, 150))
            valid_until = valid_from + timedelta(days=180)
        return Consent(
            child_id=self.children[index].pk,
            guardian_id=self.first_guardian[index],
            kinds=kinds,
            purpose=purpose,
            valid_from=valid_from,
            valid_until=valid_until,
            status=ConsentStatus.GIVEN,
            evidence=ConsentEvidence.PAPER,
            paper_date=valid_from,
            recorded_by_id=recorded_by.pk if recorded_by else None,
        )
