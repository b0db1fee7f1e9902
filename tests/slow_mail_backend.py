"""A file-based e-mail backend that waits before writing: lets a test kill a worker in the middle of sending.

SLOW_MAIL_SECONDS: how long to wait; SLOW_MAIL_MARKER: a file that gets the process id when the wait begins.
Only the first message waits: once the marker exists, messages are written at once.
"""

import os
import time
from pathlib import Path

from django.core.mail.backends import filebased


class EmailBackend(filebased.EmailBackend):
    def send_messages(self, email_messages):
        marker = Path(os.environ["SLOW_MAIL_MARKER"])
        if not marker.exists():
            marker.write_text(str(os.getpid()))
            time.sleep(float(os.environ["SLOW_MAIL_SECONDS"]))
        return super().send_messages(email_messages)
