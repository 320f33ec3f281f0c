from django.apps import AppConfig


class DeliverConfig(AppConfig):
    name = "deliver"
    verbose_name = "Step 3: Deliver"
