"""factory_boy factories for the organization model."""

import factory
from factory.django import DjangoModelFactory

from safeharbor.core.models import Area, Category, Domain, Harbor, Port, School, Unit, User

PASSWORD = "test-password-123"


def make_area(name: str, level: str, parent: Area | None = None, code: str | None = None) -> Area:
    if code is None:
        code = f"{parent.code}.{name}" if parent else name
    if parent is None:
        return Area.objects.add_root({"code": code, "name": name, "level": level})
    parent.refresh_from_db()
    return Area.objects.add_child(parent, {"code": code, "name": name, "level": level})


class DomainFactory(DjangoModelFactory):
    class Meta:
        model = Domain
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"domain{n}")
    name_zh = factory.Sequence(lambda n: f"领域{n}")


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"unit{n}")
    name_zh = factory.Sequence(lambda n: f"成员单位{n}")


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"cat.c{n}")
    name_zh = factory.Sequence(lambda n: f"类别{n}")
    domain = factory.SubFactory(DomainFactory)
    default_unit = factory.SubFactory(UnitFactory)


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = School

    unit = factory.SubFactory(UnitFactory, kind=Unit.Kind.SCHOOL)
    class_count = 10
    student_count = 400


class HarborFactory(DjangoModelFactory):
    class Meta:
        model = Harbor
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"harbor-{n}")
    name = factory.Sequence(lambda n: f"平安港湾{n}号")
    domain = factory.SubFactory(DomainFactory)
    host_unit = factory.SubFactory(UnitFactory)
    address = "乌达区团结路1号"


class PortFactory(DjangoModelFactory):
    class Meta:
        model = Port

    kind = Port.Kind.HEROINES
    name = "巾帼港"
    owner_unit = factory.SubFactory(UnitFactory, kind=Unit.Kind.MASS_ORG)
    hotline_name = "妇女维权专线"
    hotline_number = "12338"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="zh_CN")
    role = User.Role.DISPATCHER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.areas.set(extracted)
        if create:
            self.save()


# --- The matter engine ------------------------------------------------------------------------


class MatterFactory(factory.Factory):
    """A matter registered the way staff register one: through actions.create_matter
    (tracking code, check code, the `created` event). Pass `actor=` (default: nobody, as a
    resident's own report) and any create_matter argument, e.g. area=org.grid."""

    class Meta:
        model = "matters.Matter"

    description = factory.Sequence(lambda n: f"团结路{n}号楼下水道堵了，污水漫到人行道上，好几天没人管")
    source = "staff"

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError("matters exist only through actions.create_matter: use create()")

    @classmethod
    def _create(cls, model_class, *args, actor=None, **kwargs):
        from safeharbor.matters import actions

        matter, _check = actions.create_matter(actor=actor, **kwargs)
        return matter
