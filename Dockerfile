# Production image: gunicorn serving the site, static files collected at build time. It is meant
# to run behind one HTTPS proxy or load balancer (TRUSTED_PROXY_COUNT=1); see the README's
# Production section to run it otherwise.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8000 \
    TRUSTED_PROXY_COUNT=1 \
    CACHE_DIR=/var/cache/roadmap

WORKDIR /app

COPY pyproject.toml README.md ./
RUN pip install .

COPY . .

# collectstatic reads the settings, which need a key; this one exists only during the build.
# The code stays root's, so the site cannot change it; the one folder it writes to is the cache
# it uses when no REDIS_URL is set.
RUN DEBUG=0 SECRET_KEY=build-only-not-secret python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 --home-dir /app roadmap \
    && install -d -o roadmap -g roadmap -m 0700 "$CACHE_DIR"

USER roadmap
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz', timeout=4)"

CMD ["gunicorn", "--config", "python:roadmap_site.gunicorn", "roadmap_site.wsgi"]
