# Production image: gunicorn (web), Celery worker and beat share it (see docker-compose.yml).
FROM node:20-bookworm-slim AS static
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 \
    libharfbuzz-subset0 fonts-dejavu-core curl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir .
COPY . .
COPY --from=static /app/node_modules ./node_modules
# Build-time values only: collectstatic and compilemessages need settings, not secrets.
RUN TRIVSEL_MODE=demo DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost \
    sh -c "python manage.py compilemessages --ignore node_modules && python manage.py collectstatic --noinput" \
 && useradd --system --home /app trivsel && chown -R trivsel /app/.data
USER trivsel
EXPOSE 8000
