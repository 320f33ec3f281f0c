"""Deliver's receivers of Identify's signals (connected in DeliverConfig.ready)."""

from deliver.measures import services


def upload_processed(sender, *, extract_id, **kwargs):
    services.upload_processed(extract_id=extract_id)
