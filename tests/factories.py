import factory
from django.contrib.auth.models import Group

from partnerships.models import (
    MembershipRole,
    Municipality,
    MunicipalityKind,
    MunicipalityMembership,
    Partnership,
    PartnershipParticipant,
    Side,
    User,
)

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name", locale="de_DE")
    preferred_language = "de"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            self.groups.add(Group.objects.get(name=role))
        if create:
            self.save()


class GermanMunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    name = factory.Sequence(lambda n: f"Musterstadt {n}")
    country = "DE"
    kind = MunicipalityKind.CITY
    ags = factory.Sequence(lambda n: f"07{n:06d}")


class PartnerMunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    name = factory.Sequence(lambda n: f"Partner Town {n}")
    country = "GH"
    kind = MunicipalityKind.PARTNER


class PartnershipFactory(factory.django.DjangoModelFactory):
    """A partnership of one German and one partner municipality (pass them in to choose)."""

    class Meta:
        model = Partnership
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Partnership {n}")

    @factory.post_generation
    def german(self, create, extracted, **kwargs):
        municipality = extracted or GermanMunicipalityFactory()
        PartnershipParticipant.objects.create(partnership=self, municipality=municipality, side=Side.GERMAN)

    @factory.post_generation
    def partner(self, create, extracted, **kwargs):
        municipality = extracted or PartnerMunicipalityFactory()
        PartnershipParticipant.objects.create(partnership=self, municipality=municipality, side=Side.PARTNER)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MunicipalityMembership

    user = factory.SubFactory(UserFactory)
    municipality = factory.SubFactory(GermanMunicipalityFactory)
    role = MembershipRole.CONTACT
