import datetime

import factory

from officials.models import ContactPoint, Division, Office, OfficeRole, Person, Term, ZipDivision


class DivisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Division
        django_get_or_create = ("ocd_id",)

    ocd_id = factory.Sequence(lambda n: f"ocd-division/country:us/state:mo/cd:{n + 1}")
    name = factory.LazyAttribute(lambda o: o.ocd_id.rsplit("/", 1)[-1])
    kind = Division.Kind.CONGRESSIONAL_DISTRICT
    state = "MO"


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office

    role = OfficeRole.US_HOUSE
    title = factory.LazyAttribute(lambda o: f"{OfficeRole(o.role).label} for {o.division.name if o.division else 'US'}")
    division = factory.SubFactory(DivisionFactory)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    name = factory.LazyAttribute(lambda o: f"{o.given_name} {o.family_name}")
    party = "Independent"


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term

    person = factory.SubFactory(PersonFactory)
    office = factory.SubFactory(OfficeFactory)
    start = datetime.date(2025, 1, 3)
    end = None
    party = factory.LazyAttribute(lambda o: o.person.party)


class ContactPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPoint

    office = factory.SubFactory(OfficeFactory)
    kind = ContactPoint.Kind.PHONE
    value = "+12022243121"
    label = "Washington DC"
    is_capitol = True


def seat(*, role, title, division, person_name, party, phone, seat="", person_contact=True, **office_kwargs):
    """An office with a current holder and a main phone; returns the Office."""
    office = OfficeFactory(role=role, title=title, division=division, seat=seat, **office_kwargs)
    given, _, family = person_name.partition(" ")
    person = PersonFactory(name=person_name, given_name=given, family_name=family, party=party)
    TermFactory(person=person, office=office, party=party)
    ContactPointFactory(
        office=office,
        person=person if person_contact else None,
        value=phone,
        label="Washington DC" if role in (OfficeRole.US_SENATE, OfficeRole.US_HOUSE) else "Capitol office",
    )
    return office


def missouri_officials():
    """Missouri as the demo knows it: ZIP 65101 in MO-3, 63103 split across MO-1 and MO-2.

    Returns a dict of the offices by short name.
    """
    state = DivisionFactory(ocd_id="ocd-division/country:us/state:mo", name="Missouri", kind=Division.Kind.STATE)
    cd1 = DivisionFactory(ocd_id="ocd-division/country:us/state:mo/cd:1", name="Missouri's 1st district", parent=state)
    cd2 = DivisionFactory(ocd_id="ocd-division/country:us/state:mo/cd:2", name="Missouri's 2nd district", parent=state)
    cd3 = DivisionFactory(ocd_id="ocd-division/country:us/state:mo/cd:3", name="Missouri's 3rd district", parent=state)
    country = DivisionFactory(
        ocd_id="ocd-division/country:us", name="United States", kind=Division.Kind.COUNTRY, state=""
    )
    ZipDivision.objects.get_or_create(zcta="65101", state="MO", division=cd3)
    ZipDivision.objects.get_or_create(zcta="63103", state="MO", division=cd1)
    ZipDivision.objects.get_or_create(zcta="63103", state="MO", division=cd2)
    offices = {
        "senator_1": seat(
            role=OfficeRole.US_SENATE,
            title="U.S. Senator for Missouri",
            division=state,
            seat="class-1",
            person_name="Josh Hawley",
            party="Republican",
            phone="+12022246154",
        ),
        "senator_3": seat(
            role=OfficeRole.US_SENATE,
            title="U.S. Senator for Missouri",
            division=state,
            seat="class-3",
            person_name="Eric Schmitt",
            party="Republican",
            phone="+12022245721",
        ),
        "rep_1": seat(
            role=OfficeRole.US_HOUSE,
            title="U.S. Representative for Missouri's 1st district",
            division=cd1,
            person_name="Wesley Bell",
            party="Democrat",
            phone="+12022252406",
        ),
        "rep_2": seat(
            role=OfficeRole.US_HOUSE,
            title="U.S. Representative for Missouri's 2nd district",
            division=cd2,
            person_name="Ann Wagner",
            party="Republican",
            phone="+12022251621",
        ),
        "rep_3": seat(
            role=OfficeRole.US_HOUSE,
            title="U.S. Representative for Missouri's 3rd district",
            division=cd3,
            person_name="Bob Onder",
            party="Republican",
            phone="+12022252956",
        ),
        "governor": seat(
            role=OfficeRole.GOVERNOR,
            title="Governor of Missouri",
            division=state,
            person_name="Mike Kehoe",
            party="Republican",
            phone="+15737513222",
        ),
        "attorney_general": seat(
            role=OfficeRole.ATTORNEY_GENERAL,
            title="Attorney General of Missouri",
            division=state,
            person_name="Catherine Hanaway",
            party="Republican",
            phone="+15737513321",
        ),
    }
    doj = OfficeFactory(
        role=OfficeRole.ORGANISATION,
        title="U.S. Department of Justice",
        name="U.S. Department of Justice",
        division=country,
        website="https://www.justice.gov/",
    )
    ContactPointFactory(
        office=doj,
        kind=ContactPoint.Kind.CONTACT_FORM,
        value="https://www.justice.gov/contact-us",
        label="Contact form",
        is_capitol=False,
    )
    ContactPointFactory(office=doj, kind=ContactPoint.Kind.PHONE, value="+12025142000", label="Main switchboard")
    offices["doj"] = doj
    return offices
