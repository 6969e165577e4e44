# PyWebRank's image: gunicorn serving the site in production mode, as a non-root user.
#   docker build -t pywebrank .        (compose.yaml builds and runs it with its companions)
# Stage 1 installs the dependencies and prepares static files and translations; stage 2 copies
# only the results onto a fresh slim Python, so no compiler or pip cache ships.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /app
COPY requirements.txt .
RUN python -m venv /venv && /venv/bin/pip install -r requirements.txt
COPY . .
# Build-time values only: nothing here reaches the running container's settings.
RUN DJANGO_ENV=production SECRET_KEY=build-only \
    EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend \
    sh -c "/venv/bin/python manage.py compile_translations \
        && /venv/bin/python manage.py collectstatic --noinput -v0"

FROM python:3.11-slim
RUN useradd --system --uid 10001 --no-create-home --home-dir /app pywebrank
COPY --from=build /venv /venv
COPY --from=build /app /app
WORKDIR /app
USER pywebrank
ENV PATH=/venv/bin:$PATH DJANGO_ENV=production PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    GUNICORN_WORKERS=3
EXPOSE 8000
# Ready when /healthz answers 200 (the database answers); asked with the site's own host name.
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 CMD \
    python -c "import os, urllib.request as r; host = os.environ['ALLOWED_HOSTS'].split(',')[0].lstrip('.'); r.urlopen(r.Request('http://127.0.0.1:8000/healthz', headers={'Host': host}), timeout=4)"
CMD ["sh", "-c", "exec gunicorn config.wsgi --config config/gunicorn.conf.py --bind 0.0.0.0:8000 --workers ${GUNICORN_WORKERS} --forwarded-allow-ips '*'"]
