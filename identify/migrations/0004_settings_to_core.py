"""The organisation's suppression rule moves from identify.OrganisationSettings to
core.Organisation.suppression_rule (issue 10): copy every row, then drop the model.

Backwards, an OrganisationSettings row is made for every organisation whose rule is
not the default ("nhs"), which is all the old table ever meant.
"""

from django.db import migrations


def copy_to_core(apps, schema_editor):
    OrganisationSettings = apps.get_model("identify", "OrganisationSettings")
    Organisation = apps.get_model("core", "Organisation")
    for row in OrganisationSettings.objects.all():
        Organisation.objects.filter(pk=row.organisation_id).update(suppression_rule=row.suppression_rule)


def copy_back(apps, schema_editor):
    OrganisationSettings = apps.get_model("identify", "OrganisationSettings")
    Organisation = apps.get_model("core", "Organisation")
    for organisation in Organisation.objects.exclude(suppression_rule="nhs"):
        OrganisationSettings.objects.update_or_create(
            organisation_id=organisation.pk, defaults={"suppression_rule": organisation.suppression_rule}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("identify", "0003_survey_participation"),
        ("core", "0003_organisation_suppression_rule"),
    ]

    operations = [
        migrations.RunPython(copy_to_core, copy_back),
        migrations.DeleteModel(name="OrganisationSettings"),
    ]
