"""What Identify tells later steps, without knowing them (a step never imports a
later one): later steps connect receivers in their AppConfig.ready().

`upload_processed` is sent once an upload's breakdowns are stored (after the
processing transaction commits), with `extract_id` (a str). Receivers must be
quick: queue a job rather than work in the sender's process. Reprocessing an
upload sends it again, so receivers must be idempotent."""

from django.dispatch import Signal

upload_processed = Signal()
