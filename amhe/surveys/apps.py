from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "amhe.surveys"
    label = "surveys"
    verbose_name = "Surveys"
