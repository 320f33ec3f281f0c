"""Research 2A: the evidence base (published references) and the register of
existing initiatives in the project's area.

Both belong to a project: the evidence a team gathers for its cycle, and the
initiatives already running in its place (the project's area), so teams join up
with them rather than duplicate them. `characteristics` lists keys of the core
characteristic taxonomy (amhe.core.taxonomy.CHARACTERISTICS); `populations`
are the organisation's focus populations.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator, URLValidator
from django.db import models
from django.db.models import Q

from amhe.core.models import Population, Project

# The shape of a DOI: the "10." directory indicator, a registrant code of 4 to 9
# digits (with optional dotted sub-codes), a slash and a suffix (DOI Handbook, 2.2;
# Crossref's recommended pattern /^10.\d{4,9}/[-._;()/:A-Z0-9]+$/i, widened to any
# non-space character because older DOIs use others).
DOI_PATTERN = r"^10\.\d{4,9}(\.\d+)*/\S+$"
doi_validator = RegexValidator(
    DOI_PATTERN, "Enter a DOI like 10.1192/bjp.2019.22: it starts with 10., then numbers, a slash and the rest"
)
http_url_validator = URLValidator(
    schemes=["http", "https"], message="Enter a web address that starts with https:// or http://"
)


class Reference(models.Model):
    """A published study, review or report in the project's evidence base (2A)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="references")
    title = models.CharField(max_length=500)
    authors = models.TextField(blank=True, help_text="Separated by semicolons.")
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    doi = models.CharField("DOI", max_length=200, blank=True, validators=[doi_validator])
    url = models.CharField("web address", max_length=500, blank=True, validators=[http_url_validator])
    summary = models.TextField(blank=True)
    effectiveness = models.TextField("effectiveness finding", blank=True)
    characteristics = models.JSONField(default=list, blank=True)
    populations = models.ManyToManyField(Population, blank=True, related_name="+")
    # The driver-diagram and theory-of-change boxes (2B) it supports.
    diagram_nodes = models.ManyToManyField("research.DiagramNode", blank=True, related_name="references")
    # The ideas from NGT sessions (2B) it supports.
    ngt_ideas = models.ManyToManyField("research.NgtIdea", blank=True, related_name="references")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "doi"], condition=~Q(doi=""), name="research_reference_unique_doi"
            ),
        ]

    def __str__(self):
        return self.title


class Initiative(models.Model):
    """Something already running in the project's area (2A), by a local authority,
    health and social care or a voluntary, community and social enterprise (VCSE)."""

    class Sector(models.TextChoices):
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        HEALTH_CARE = "health_care", "Health and social care"
        VCSE = "vcse", "Voluntary, community and social enterprise (VCSE)"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="initiatives")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    sector = models.CharField(max_length=20, choices=Sector.choices)
    owner = models.CharField(max_length=200, help_text="The organisation or team that runs it.")
    partners = models.TextField(blank=True)
    characteristics = models.JSONField(default=list, blank=True)
    populations = models.ManyToManyField(Population, blank=True, related_name="+")
    populations_served = models.TextField(blank=True, help_text="Who it serves, in its own words.")
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    contact = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="research_initiative_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.name
