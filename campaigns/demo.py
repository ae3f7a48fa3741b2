"""The demo campaign (the 2017 call to action), in English and Spanish, for `load_demo` and the tests."""

from django.db import transaction
from django.utils import timezone

from officials.models import ContactPoint, Division, Office, OfficeRole

from .models import Action, Campaign, TargetListMode

DEMO_TITLE = "Oppose excessive, ineffective, expensive, and discriminatory sentencing of low-level drug offenders"
DEMO_SLUG = "oppose-excessive-sentencing-of-low-level-drug-offenders"
DOJ_NAME = "U.S. Department of Justice"
DOJ_CONTACT_FORM = "https://www.justice.gov/contact-us"
DEMO_SUMMARY = (
    "The Justice Department has told federal prosecutors to seek the harshest available charges, "
    "bringing back long mandatory minimum sentences for low-level drug offenders. Write to the "
    "Department of Justice, then call your state attorney general."
)
DEMO_BACKGROUND = """\
In May 2017 the Attorney General ordered federal prosecutors to "charge and pursue the most
serious, readily provable offense" in every case
([the memo](https://www.justice.gov/opa/press-release/file/965896/download)). It reversed the
2013 "Smart on Crime" policy, under which prosecutors could leave out the drug quantities that
trigger mandatory minimum sentences when they charged people for **low-level, non-violent drug
offenses**.

Charging the most serious provable offense brings those mandatory minimums back for people at
the bottom of the drug trade. That is:

- **Excessive:** years or decades in prison for small, non-violent offenses;
- **Ineffective:** longer sentences have not reduced drug use or drug crime;
- **Expensive:** federal prisons already take up a large share of the Justice Department's budget;
- **Discriminatory:** mandatory minimums for drug offenses fall hardest on Black and Latino
  communities.

Two things you can do today:

1. **Write** to the U.S. Department of Justice through its
   [contact form](https://www.justice.gov/contact-us) and ask it to withdraw the policy.
2. **Call your state attorney general** and ask them to condemn it publicly. If you leave a
   voicemail, leave your full street address so your call is tallied.
"""
DEMO_LETTER = """\
Dear Attorney General,

I am writing from [CITY, STATE] to ask the Department of Justice to withdraw its policy of \
charging and pursuing the most serious, readily provable offense against low-level drug offenders.

Mandatory minimum sentences for small, non-violent drug offenses are excessive, ineffective, \
expensive and discriminatory. They keep people in prison for years at great cost to taxpayers, \
they have not made our communities safer, and they fall hardest on communities of color.

Please restore prosecutors' discretion to charge low-level, non-violent drug offenders in a way \
that does not trigger mandatory minimum sentences.

Sincerely,
[YOUR NAME]
[CITY, ZIP]"""
DEMO_CALL_SCRIPT = """\
Hello, my name is [YOUR NAME] and I'm calling from [CITY, ZIP].

I'm calling today to demand that [STATE AG's NAME] condemn the Justice Department's new policy \
of seeking the harshest possible charges and mandatory minimum sentences against low-level drug \
offenders. These sentences are excessive, ineffective, expensive and discriminatory.

Will [STATE AG's NAME] speak out publicly against this policy? Thank you for your time."""
DEMO_VOICEMAIL = "IF LEAVING A VOICEMAIL please leave your full street address to ensure your call is tallied."


# The Spanish version, written for the demo; the placeholders are the same as in the English texts.
DEMO_TITLE_ES = "No a las condenas excesivas, ineficaces, costosas y discriminatorias por delitos menores de drogas"
DEMO_SUMMARY_ES = (
    "El Departamento de Justicia ordenó a los fiscales federales pedir los cargos más duros posibles, "
    "lo que trae de vuelta las largas penas mínimas obligatorias para delitos menores de drogas. Escribe "
    "al Departamento de Justicia y luego llama al fiscal general de tu estado."
)
DEMO_BACKGROUND_ES = """\
En mayo de 2017, el Fiscal General ordenó a los fiscales federales "acusar y perseguir el delito más
grave que se pueda probar fácilmente" en todos los casos
([el memorando, en inglés](https://www.justice.gov/opa/press-release/file/965896/download)). Así
revocó la política "Smart on Crime" de 2013, que permitía a los fiscales no mencionar las cantidades
de droga que activan las penas mínimas obligatorias cuando acusaban a personas por **delitos de drogas
menores y no violentos**.

Acusar siempre por el delito más grave trae de vuelta esas penas mínimas para quienes están en el
escalón más bajo del tráfico de drogas. Eso es:

- **Excesivo:** años o décadas de cárcel por delitos pequeños y no violentos;
- **Ineficaz:** las condenas más largas no han reducido el consumo ni los delitos de drogas;
- **Costoso:** las prisiones federales ya se llevan una gran parte del presupuesto del Departamento de Justicia;
- **Discriminatorio:** las penas mínimas por drogas golpean más fuerte a las comunidades negras y latinas.

Dos cosas que puedes hacer hoy:

1. **Escribe** al Departamento de Justicia de EE. UU. con su
   [formulario de contacto](https://www.justice.gov/contact-us) y pide que retire esta política.
2. **Llama al fiscal general de tu estado** y pídele que la condene en público. Si dejas un
   mensaje de voz, di tu dirección completa para que tu llamada se cuente.
"""
DEMO_LETTER_ES = """\
Estimado Fiscal General:

Le escribo desde [CITY, STATE] para pedir al Departamento de Justicia que retire su política de \
acusar y perseguir el delito más grave que se pueda probar fácilmente contra personas acusadas de delitos \
menores de drogas.

Las penas mínimas obligatorias por delitos de drogas pequeños y no violentos son excesivas, ineficaces, \
costosas y discriminatorias. Mantienen a personas en prisión durante años con un gran costo para los \
contribuyentes, no han hecho más seguras nuestras comunidades y afectan sobre todo a las comunidades de color.

Le pido que devuelva a los fiscales la libertad de acusar a las personas con delitos de drogas menores y no \
violentos sin activar las penas mínimas obligatorias.

Atentamente,
[YOUR NAME]
[CITY, ZIP]"""
DEMO_CALL_SCRIPT_ES = """\
Hola, me llamo [YOUR NAME] y llamo desde [CITY, ZIP].

Llamo para pedir que [STATE AG's NAME] condene la nueva política del Departamento de Justicia de \
buscar los cargos más duros posibles y penas mínimas obligatorias contra personas acusadas de delitos \
menores de drogas. Esas penas son excesivas, ineficaces, costosas y discriminatorias.

¿Va a hablar [STATE AG's NAME] públicamente en contra de esta política? Gracias por su tiempo."""
DEMO_VOICEMAIL_ES = (
    "SI DEJAS UN MENSAJE DE VOZ, di tu dirección completa (calle y número) para que tu llamada se cuente."
)
DEMO_ACTIONS_ES = {
    1: {
        "title_es": "Escribe al Departamento de Justicia de EE. UU.",
        "instructions_es": (
            f"Abre el [formulario de contacto]({DOJ_CONTACT_FORM}) del Departamento de Justicia, pega la carta "
            "de abajo (cámbiala con tus propias palabras si quieres), envíala y toca **Ya lo envié**."
        ),
        "script_es": DEMO_LETTER_ES,
    },
    2: {
        "title_es": "Llama al fiscal general de tu estado",
        "instructions_es": (
            "Llama en horario de oficina. Sé amable y breve: la persona que conteste anotará tu opinión."
        ),
        "script_es": DEMO_CALL_SCRIPT_ES,
        "voicemail_script_es": DEMO_VOICEMAIL_ES,
    },
}


def _demo_spanish_fill(campaign: Campaign) -> None:
    """Give the demo campaign its Spanish texts, leaving any Spanish text already written alone."""
    texts = {"title_es": DEMO_TITLE_ES, "summary_es": DEMO_SUMMARY_ES, "background_es": DEMO_BACKGROUND_ES}
    changed = [name for name, text in texts.items() if not getattr(campaign, name)]
    for name in changed:
        setattr(campaign, name, texts[name])
    if changed:
        campaign.save(update_fields=changed)
    for action in campaign.actions.all():
        texts = DEMO_ACTIONS_ES.get(action.position, {})
        changed = [name for name, text in texts.items() if not getattr(action, name)]
        for name in changed:
            setattr(action, name, texts[name])
        if changed:
            action.save(update_fields=changed)


def doj_office_get_or_create() -> Office:
    """The Department of Justice as an organisation office (officials_load_demo normally makes it)."""
    office = Office.objects.filter(role=OfficeRole.ORGANISATION, name=DOJ_NAME).order_by("pk").first()
    if office is not None:
        return office
    country, _created = Division.objects.get_or_create(
        ocd_id="ocd-division/country:us", defaults={"name": "United States", "kind": Division.Kind.COUNTRY}
    )
    office = Office.objects.create(
        role=OfficeRole.ORGANISATION,
        title=DOJ_NAME,
        name=DOJ_NAME,
        division=country,
        website="https://www.justice.gov/",
    )
    ContactPoint.objects.create(
        office=office, kind=ContactPoint.Kind.CONTACT_FORM, value=DOJ_CONTACT_FORM, label="Contact form"
    )
    ContactPoint.objects.create(office=office, kind=ContactPoint.Kind.PHONE, value="+12025142000", label="Main line")
    return office


@transaction.atomic
def campaign_demo_create(*, chapter=None) -> Campaign:
    """The 2017 demo campaign in English and Spanish, national when `chapter` is None.

    Running it again changes nothing, except that a demo campaign made before it had Spanish texts gets them.
    """
    slug = DEMO_SLUG if chapter is None else f"{DEMO_SLUG}-{chapter.slug}"[:300]
    campaign, created = Campaign.objects.get_or_create(
        slug=slug,
        defaults={
            "title": DEMO_TITLE,
            "summary": DEMO_SUMMARY,
            "background": DEMO_BACKGROUND,
            "status": Campaign.Status.ACTIVE,
            "call_goal": 500,
            "chapter": chapter,
            "published_at": timezone.now(),
        },
    )
    if created or not campaign.actions.exists():
        doj = doj_office_get_or_create()
        write = Action.objects.create(
            campaign=campaign,
            position=1,
            kind=Action.Kind.WRITE,
            title="Write to the U.S. Department of Justice",
            instructions=(
                f"Open the Department of Justice [contact form]({DOJ_CONTACT_FORM}), paste the letter "
                "below (change it into your own words if you like), send it, then tap **I sent it**."
            ),
            script=DEMO_LETTER,
            target_roles=[],
        )
        write.target_offices.set([doj])
        Action.objects.create(
            campaign=campaign,
            position=2,
            kind=Action.Kind.CALL,
            title="Call your state attorney general",
            instructions="Call during office hours. Be polite and brief: the staffer will note your view.",
            script=DEMO_CALL_SCRIPT,
            voicemail_script=DEMO_VOICEMAIL,
            target_roles=[OfficeRole.ATTORNEY_GENERAL],
        )
    _demo_spanish_fill(campaign)
    return campaign


LIST_DEMO_SLUG = "st-louis-sample-call-your-alderperson"
LIST_DEMO_SCRIPT = """\
Hello, my name is [YOUR NAME] and I live in [DISTRICT], at [CITY, ZIP].

I'm calling to ask [OFFICIAL TITLE] [OFFICIAL LAST NAME] to support more funding for the city's \
pretrial diversion program, so that people charged with low-level drug offenses get treatment instead of jail.

Will [OFFICIAL NAME] vote for it? Thank you."""
LIST_DEMO_SCRIPT_ES = """\
Hola, me llamo [YOUR NAME] y vivo en [DISTRICT], en [CITY, ZIP].

Llamo para pedir a [OFFICIAL TITLE] [OFFICIAL LAST NAME] que apoye más fondos para el programa de \
desvío previo al juicio de la ciudad, para que las personas acusadas de delitos menores de drogas reciban \
tratamiento en lugar de cárcel.

¿Votará [OFFICIAL NAME] a favor? Gracias."""


@transaction.atomic
def campaign_list_demo_create(*, chapter, target_list) -> Campaign:
    """A chapter campaign whose action calls the caller's own member of the sample St. Louis list."""
    campaign, created = Campaign.objects.get_or_create(
        slug=LIST_DEMO_SLUG,
        defaults={
            "title": "Call your St. Louis alderperson (sample data)",
            "title_es": "Llama a tu concejal de St. Louis (datos de ejemplo)",
            "summary": "A demo of a chapter's own target list: made-up aldermen with 555 numbers.",
            "summary_es": "Una demostración de la lista propia de un capítulo: concejales inventados con números 555.",
            "status": Campaign.Status.ACTIVE,
            "call_goal": 100,
            "chapter": chapter,
            "published_at": timezone.now(),
        },
    )
    if created or not campaign.actions.exists():
        Action.objects.create(
            campaign=campaign,
            position=1,
            kind=Action.Kind.CALL,
            title="Call your alderperson",
            title_es="Llama a tu concejal",
            instructions="Sample data: the names are made up and the 555 numbers reach no one.",
            instructions_es="Datos de ejemplo: los nombres son inventados y los números 555 no llaman a nadie.",
            script=LIST_DEMO_SCRIPT,
            script_es=LIST_DEMO_SCRIPT_ES,
            target_list=target_list,
            target_list_mode=TargetListMode.OWN,
        )
    return campaign
