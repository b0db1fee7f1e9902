import pytest
from django.core.exceptions import ValidationError

from partnerships.ags import validate_ags
from partnerships.models import Municipality, MunicipalityKind, Side, check_partnership_sides
from tests.factories import GermanMunicipalityFactory, PartnerMunicipalityFactory


@pytest.mark.parametrize("ags", ["07315000", "11000000", "01001000", "16077001"])
def test_valid_ags_is_accepted(ags):
    validate_ags(ags)


@pytest.mark.parametrize("ags", ["0731500", "073150001", "0731500a", "07 15000", "０７３１５０００"])
def test_ags_of_wrong_shape_is_refused(ags):
    with pytest.raises(ValidationError) as error:
        validate_ags(ags)
    assert error.value.code == "ags_format"


@pytest.mark.parametrize("ags", ["00315000", "17315000", "99000000"])
def test_ags_outside_the_sixteen_laender_is_refused(ags):
    with pytest.raises(ValidationError) as error:
        validate_ags(ags)
    assert error.value.code == "ags_state"
    assert ags[:2] in error.value.messages[0]


def test_duplicate_ags_is_refused(db):
    GermanMunicipalityFactory(name="Mainz", ags="07315000")
    duplicate = Municipality(name="Mainz again", country="DE", kind=MunicipalityKind.CITY, ags="07315000")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "ags" in error.value.message_dict


def test_partner_municipalities_without_ags_do_not_collide(db):
    PartnerMunicipalityFactory(ags="")
    PartnerMunicipalityFactory(ags="")
    assert Municipality.objects.filter(ags__isnull=True).count() == 2


def test_state_is_read_from_the_ags(db):
    assert GermanMunicipalityFactory(ags="09162000").state_name == "Bayern"
    assert PartnerMunicipalityFactory().state_name == ""


def test_german_city_needs_an_ags(db):
    city = Municipality(name="Ohneschlüssel", country="DE", kind=MunicipalityKind.CITY)
    with pytest.raises(ValidationError) as error:
        city.full_clean()
    assert "ags" in error.value.message_dict


def test_partner_municipality_cannot_carry_an_ags(db):
    abroad = Municipality(name="Accra", country="GH", kind=MunicipalityKind.PARTNER, ags="07315000")
    with pytest.raises(ValidationError) as error:
        abroad.full_clean()
    assert "ags" in error.value.message_dict


def test_municipality_abroad_must_be_a_partner_municipality(db):
    abroad = Municipality(name="Accra", country="GH", kind=MunicipalityKind.CITY)
    with pytest.raises(ValidationError) as error:
        abroad.full_clean()
    assert "kind" in error.value.message_dict


def test_association_lists_its_members(db):
    association = Municipality.objects.create(name="Kommunalverband Süd", country="DE", kind="association")
    members = [GermanMunicipalityFactory(), GermanMunicipalityFactory()]
    association.members.set(members)
    assert set(association.members.all()) == set(members)
    assert list(members[0].associations.all()) == [association]


def test_querysets_speak_the_domain(db):
    bavarian = GermanMunicipalityFactory(ags="09162000")
    GermanMunicipalityFactory(ags="11000000")
    abroad = PartnerMunicipalityFactory()
    assert list(Municipality.objects.in_state("09")) == [bavarian]
    assert list(Municipality.objects.abroad()) == [abroad]
    assert Municipality.objects.german().count() == 2


def test_partnership_needs_both_sides():
    check_partnership_sides([Side.GERMAN, Side.PARTNER, Side.PARTNER])
    with pytest.raises(ValidationError) as only_german:
        check_partnership_sides([Side.GERMAN, Side.GERMAN])
    assert only_german.value.code == "missing_side"
    assert only_german.value.params["sides"] == str(Side.PARTNER.label)
    with pytest.raises(ValidationError) as only_partner:
        check_partnership_sides([Side.PARTNER])
    assert only_partner.value.params["sides"] == str(Side.GERMAN.label)
