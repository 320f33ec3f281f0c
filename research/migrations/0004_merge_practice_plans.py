# Joins 2A positive practice (0002) and 2B plans (0003), made side by side.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("research", "0002_practice"), ("research", "0003_plans")]
    operations = []
