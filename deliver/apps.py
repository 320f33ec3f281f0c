from django.apps import AppConfig


class DeliverConfig(AppConfig):
    name = "deliver"
    verbose_name = "Step 3: Deliver"

    def ready(self):
        # Identify says when an upload has been processed (it never imports deliver);
        # measures defined on its series then get their value for its period.
        from deliver.measures import receivers
        from identify import signals

        signals.upload_processed.connect(receivers.upload_processed, dispatch_uid="deliver.measures.upload_processed")
