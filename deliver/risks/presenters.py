"""Deliver 3C: risks -> what the register shows. Every state is said in words
(band names, "Past its review date", "Above target"), never by colour alone."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format

from deliver.risks import scoring


@dataclass
class RiskRow:
    risk: object
    score: int
    band: scoring.Band
    rating: str  # "4 x 3 = 12"
    target_score: int
    target_band: scoring.Band
    target_rating: str
    owner: str
    review_date: str
    overdue: bool
    above_target: bool
    flags: list[str]


def _rating(likelihood, impact) -> str:
    return f"{likelihood} x {impact} = {likelihood * impact}"


def risk_row(risk, today=None) -> RiskRow:
    today = today or timezone.localdate()
    overdue = risk.review_date < today
    above = risk.score > risk.target_score
    review = date_format(risk.review_date, "j F Y")
    flags = []
    if overdue:
        flags.append(f"Past its review date ({review})")
    if above:
        flags.append(f"Above target (score {risk.score}, target {risk.target_score})")
    return RiskRow(
        risk=risk,
        score=risk.score,
        band=risk.band,
        rating=_rating(risk.likelihood, risk.impact),
        target_score=risk.target_score,
        target_band=risk.target_band,
        target_rating=_rating(risk.target_likelihood, risk.target_impact),
        owner=str(risk.owner) if risk.owner else "No owner",
        review_date=review,
        overdue=overdue,
        above_target=above,
        flags=flags,
    )


@dataclass
class MatrixCell:
    score: int
    band: scoring.Band
    count: int


@dataclass
class MatrixRow:
    likelihood: str
    cells: list[MatrixCell]


def matrix(risks) -> list[MatrixRow]:
    """The 5 x 5 matrix with the number of risks in each cell (current ratings)."""
    counts: dict[tuple[int, int], int] = {}
    for risk in risks:
        counts[(risk.likelihood, risk.impact)] = counts.get((risk.likelihood, risk.impact), 0) + 1
    return [
        MatrixRow(
            likelihood=f"{row[0][0]} {scoring.LIKELIHOOD[row[0][0]]}",
            cells=[MatrixCell(score=value, band=band, count=counts.get((lk, im), 0)) for lk, im, value, band in row],
        )
        for row in scoring.matrix()
    ]


def impact_headings() -> list[str]:
    return [f"{value} {scoring.IMPACT[value]}" for value in scoring.RATINGS]
