"""Start a Celery worker of the project for a test, with test-only knobs from the environment.

    python tests/celery_worker.py worker -P solo ...   (the arguments of `celery -A fachkraefte`)

EMAIL_BACKEND        an e-mail backend class (the project itself reads only EMAIL_URL)
SLOW_PDF_SECONDS     WeasyPrint waits this long before printing, after writing its process id to SLOW_PDF_MARKER;
                     only the first time (while the marker does not exist yet)
Unacknowledged tasks of a killed worker are looked for every second (the default is every 100 s; the project's
CELERY_VISIBILITY_TIMEOUT says when they count as abandoned).
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def slow_down_pdfs(seconds, marker):
    import weasyprint

    write_pdf = weasyprint.HTML.write_pdf

    def slow_write_pdf(self, *args, **kwargs):
        if not Path(marker).exists():
            Path(marker).write_text(str(os.getpid()))
            time.sleep(seconds)
        return write_pdf(self, *args, **kwargs)

    weasyprint.HTML.write_pdf = slow_write_pdf


def main():
    from django.conf import settings

    from fachkraefte.celery import app

    if os.environ.get("EMAIL_BACKEND"):
        settings.EMAIL_BACKEND = os.environ["EMAIL_BACKEND"]
    if os.environ.get("SLOW_PDF_SECONDS"):
        slow_down_pdfs(float(os.environ["SLOW_PDF_SECONDS"]), os.environ["SLOW_PDF_MARKER"])
    options = dict(settings.CELERY_BROKER_TRANSPORT_OPTIONS, unacked_restore_interval=1, unacked_restore_throttle=1)
    app.conf.broker_transport_options = options
    app.worker_main(sys.argv[1:])


if __name__ == "__main__":
    main()
