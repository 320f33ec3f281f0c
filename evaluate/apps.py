from django.apps import AppConfig


class EvaluateConfig(AppConfig):
    name = "evaluate"
    verbose_name = "Step 4: Evaluate"

    def ready(self):
        # PREM and PROM scores are worked out with a survey's other figures, and feed
        # measure series: both through registries, so the survey engine and Deliver
        # never import Evaluate.
        from amhe.surveys import signals
        from evaluate.instruments import figures, sources

        figures.register()
        sources.register()
        signals.figures_stored.connect(sources.figures_stored, dispatch_uid="evaluate.instruments.figures_stored")
