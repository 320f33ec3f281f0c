FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

# Pango, HarfBuzz and a font for WeasyPrint (the PDF progress reports), as its installation guide lists for Debian.
RUN apt-get update && apt-get install -y --no-install-recommends procps \
    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 amhe
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
RUN DEBUG=0 SECRET_KEY=build-only-not-secret AMHE_PSEUDONYM_KEY=build-only-not-secret-pseudonym-key-xxxxxx \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media && chown -R amhe /app/var

USER amhe
EXPOSE 8000
# gunicorn.conf.py: access log without addresses, secret links redacted.
CMD ["gunicorn", "amhe.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
