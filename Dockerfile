# The Clientwise web app and its task worker (same image, different command).
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

COPY pyproject.toml constraints.txt README.md ./
COPY config ./config
COPY accounts ./accounts
COPY portfolio ./portfolio
COPY assessments ./assessments
COPY reviews ./reviews
COPY home ./home
RUN pip install --no-cache-dir -c constraints.txt .

COPY . .

# collectstatic needs settings that load; these values exist only for this build step.
RUN SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost DEBUG=false \
    python manage.py collectstatic --noinput

# /app/media exists, owned by the app user, so that a new `media` volume starts writable.
RUN useradd --create-home --uid 1000 clientwise && mkdir -p /app/media && chown -R clientwise /app
USER clientwise

EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
