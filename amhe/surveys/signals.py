"""What the survey engine tells the steps, without knowing them (it never imports
a step): steps connect receivers in their AppConfig.ready().

`figures_stored` is sent once the `surveys.figures` job has stored a survey's
figures (after its transaction commits), with `survey_id` (a str). Receivers
must be quick (queue a job) and idempotent: the figures are stored again
whenever the answers change."""

from django.dispatch import Signal

figures_stored = Signal()
