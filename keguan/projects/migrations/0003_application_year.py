"""The call's year copied onto each application, so the project lists sort by an index (not by a join to the
calls over every row)."""

from django.db import migrations, models


def fill_years(apps, schema_editor):
    Application = apps.get_model("projects", "Application")
    Call = apps.get_model("projects", "Call")
    for call_id, year in Call.objects.values_list("id", "year"):
        Application.objects.filter(call_id=call_id).update(year=year)
    HistoricalApplication = apps.get_model("projects", "HistoricalApplication")
    for call_id, year in Call.objects.values_list("id", "year"):
        HistoricalApplication.objects.filter(call_id=call_id).update(year=year)


class Migration(migrations.Migration):

    dependencies = [
        ("projects", "0002_search_trigram_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="year",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="年度"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalapplication",
            name="year",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="年度"),
            preserve_default=False,
        ),
        migrations.RunPython(fill_years, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(fields=["district", "-year", "-status_on", "-id"], name="application_list_district"),
        ),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(fields=["-year", "-status_on", "-id"], name="application_list_order"),
        ),
    ]
