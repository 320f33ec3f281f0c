"""gunicorn settings read from the working directory (Dockerfile, docker-compose.yml).

Threaded workers: with no buffering proxy in front (docker-compose.yml has
none), sync workers are tied up by slow clients, and the survey load
benchmark measured p95 seconds instead of milliseconds with them under
background load (README, "Survey load"). The access log has no client address
or user agent, and public links' tokens are redacted (amhe/logging.py)."""

worker_class = "gthread"
threads = 4
# Idle connections are kept 10 s (gunicorn's default is 2 s). A gthread worker keeps an idle
# connection in its poller, not on a thread, and a person reading a page for a few seconds
# then reuses it instead of a new TLS handshake; survey_load.py measured with 10 s, and
# load_under_job.py (which reads this file) found requests lost when gunicorn closed a
# 2 s connection just as a request came (README, "Load under a big job").
keepalive = 10
accesslog = "-"
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'
logger_class = "amhe.logging.GunicornLogger"
