# The Research app's first migration: no tables yet. Each area of step 2 adds
# its own migration after this one.
from django.db import migrations


class Migration(migrations.Migration):
    initial = True
    dependencies = [("core", "0003_organisation_suppression_rule")]
    operations = []
