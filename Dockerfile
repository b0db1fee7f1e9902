FROM python:3.11-slim-bookworm

ENV DJANGO_ENV=production \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint's native libraries and a font; gettext for compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
        gettext \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system app \
    && useradd --system --gid app --create-home --home-dir /home/app app

WORKDIR /app

# Dependencies first, so a code change does not reinstall them. The project
# declares no packages of its own (packages = []), so this installs the pins.
COPY pyproject.toml ./
RUN pip install --no-cache-dir . \
    && rm -rf build ./*.egg-info

COPY . .

# The values below exist only for these two commands (the production settings
# refuse to start without them, and collectstatic needs the production storage);
# the running container gets its own from the environment.
RUN export SECRET_KEY=build-only-not-a-secret ALLOWED_HOSTS=build.invalid \
        PORTAL_URL=https://build.invalid EMAIL_URL=smtp://build.invalid \
        CELERY_BROKER_URL=redis://build.invalid:6379/0 \
    && python manage.py compilemessages \
    && python manage.py collectstatic --noinput

# The code stays root-owned and read-only to the app; only var/ (media) is writable.
RUN install -d -o app -g app /app/var /app/var/media

USER app

EXPOSE 8000

# The web process, as docker-compose.yml's web service and `make serve` run it.
CMD ["scripts/serve-web"]
