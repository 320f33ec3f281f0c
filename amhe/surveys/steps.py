"""The sub-steps of the cycle in which a survey can be run."""

from amhe.core import cycle

SURVEY_SUBSTEPS = ("1B", "2A", "4A", "4B")
SURVEY_SUBSTEP_CHOICES = [(code, f"{code} {cycle.SUBSTEP_BY_CODE[code].title}") for code in SURVEY_SUBSTEPS]
