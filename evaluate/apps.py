from django.apps import AppConfig


class EvaluateConfig(AppConfig):
    name = "evaluate"
    verbose_name = "Step 4: Evaluate"
