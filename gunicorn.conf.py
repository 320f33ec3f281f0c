"""gunicorn settings read from the working directory (Dockerfile, docker-compose.yml).

Threaded workers: with no buffering proxy in front (docker-compose.yml has
none), sync workers are tied up by slow clients, and the survey load
benchmark measured p95 seconds instead of milliseconds with them under
background load (README, "Survey load"). The access log has no client address
or user agent, and public links' tokens are redacted (amhe/logging.py)."""

worker_class = "gthread"
threads = 4
accesslog = "-"
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'
logger_class = "amhe.logging.GunicornLogger"
