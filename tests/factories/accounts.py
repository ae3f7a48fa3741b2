import factory
from allauth.account.models import EmailAddress

from accounts.models import Chapter, Membership, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"volunteer{n}@example.org")
    name = factory.Faker("name")
    zip_code = "65101"
    state = "MO"
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """Users can log in at once unless built with verified=False."""
        if create and extracted is not False:
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class ChapterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chapter
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Chapter {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    state = "MO"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    chapter = factory.SubFactory(ChapterFactory)
    role = Membership.Role.MEMBER
