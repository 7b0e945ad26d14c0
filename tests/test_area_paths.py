"""Moving areas in the tree keeps the area paths copied onto matters in step."""

from safeharbor.core.actions import area_paths, sync_area_paths
from safeharbor.core.models import Area
from safeharbor.matters import actions
from safeharbor.matters.models import Matter


def report(area, text):
    return actions.create_matter(actor=None, description=text, area=area)[0]


def test_a_moved_subtree_and_its_shifted_new_siblings_keep_their_matters(org):
    in_grid, in_tuanjie, in_xinda = report(org.grid, "网格里"), report(org.tuanjie, "团结"), report(org.xinda, "新达")
    before = area_paths()
    org.yongchang.refresh_from_db()
    org.sandaokan.refresh_from_db()
    Area.objects.move(org.yongchang, org.sandaokan, "first-child")  # 团结社区 shifts to make room
    assert sync_area_paths(before) == 2
    for matter in (in_grid, in_tuanjie, in_xinda):
        matter.refresh_from_db()
        assert matter.area_path == Area.objects.get(pk=matter.area_id).path
    sandaokan = Area.objects.get(pk=org.sandaokan.pk)
    under = set(Matter.objects.filter(area_path__startswith=sandaokan.path).values_list("pk", flat=True))
    assert under == {in_grid.pk, in_tuanjie.pk}


def test_a_rename_touches_no_matter(org):
    report(org.grid, "网格里")
    before = area_paths()
    Area.objects.filter(pk=org.grid.pk).update(name="永昌一网格")
    assert sync_area_paths(before) == 0
