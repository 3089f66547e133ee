"""Operations: the health check (/healthz/), the Celery worker heartbeat and the JSON log format."""
