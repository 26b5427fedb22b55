"""Log formatting (config/settings.py LOGGING)."""

import logging


class RefusalsInOneLine(logging.Formatter):
    """Django logs a request it refused with a 4xx (RequestDataTooBig, DisallowedHost, a
    multipart body it cannot parse) with the exception's traceback; print those in one
    line, and keep tracebacks for real errors."""

    def format(self, record):
        status = getattr(record, "status_code", None)
        if record.exc_info and status is not None and 400 <= status < 500:
            record = logging.makeLogRecord({**record.__dict__, "exc_info": None, "exc_text": None})
        return super().format(record)
