"""The two pool indicators became one: "高企培育库在库企业" is counted from the pool's 入库/出库 records
(``pl_pool_members``); the stage-based ``ent_pool`` is retired. Its targets move to ``pl_pool_members`` where that
district and year has none; a target that would collide stays under the old code (kept, not shown)."""

from django.db import migrations


def forwards(apps, schema_editor):
    Target = apps.get_model("indicators", "Target")
    taken = set(Target.objects.filter(indicator="pl_pool_members").values_list("region_id", "year"))
    for target in Target.objects.filter(indicator="ent_pool"):
        if (target.region_id, target.year) not in taken:
            target.indicator = "pl_pool_members"
            target.save(update_fields=["indicator"])


def backwards(apps, schema_editor):
    pass  # the moved targets stay valid under the kept indicator


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
