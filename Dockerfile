FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production

WORKDIR /app

COPY requirements.txt .
# Every file checked against the lock's hashes (bin/lock-requirements).
RUN pip install --require-hashes -r requirements.txt

COPY . .
# /app/secrets: where bin/with-secret-key keeps a generated key (a volume in docker-compose.yml,
# which takes this directory's owner and mode when it is created).
RUN useradd --create-home --uid 1000 bazaar \
    && mkdir -p /app/media /app/staticfiles /app/secrets \
    && chown -R bazaar:bazaar /app/media /app/staticfiles /app/secrets \
    && chmod 700 /app/secrets
USER bazaar

EXPOSE 8000
CMD ["bin/start-web"]
