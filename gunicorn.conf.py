"""gunicorn settings read from the working directory (Dockerfile, docker-compose.yml).

The access log has no client address or user agent, and public links' tokens
are redacted (amhe/logging.py)."""

accesslog = "-"
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'
logger_class = "amhe.logging.GunicornLogger"
