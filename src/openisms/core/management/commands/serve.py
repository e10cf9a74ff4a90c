from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Serve OpenISMS with gunicorn (static files via whitenoise) and run a background-task "
        "worker beside it; stops both on Ctrl-C or SIGTERM."
    )

    def add_arguments(self, parser):
        env = os.environ.get
        parser.add_argument("--host", default=env("OPENISMS_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(env("OPENISMS_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(env("OPENISMS_WORKERS", "2")))
        parser.add_argument(
            "--timeout", type=int, default=int(env("OPENISMS_TIMEOUT", "120")),
            help="seconds before gunicorn restarts a stuck worker",
        )  # fmt: skip
        parser.add_argument("--no-migrate", action="store_true", help="do not migrate first")
        parser.add_argument(
            "--no-task-worker", action="store_true",
            help="do not start `openisms db_worker` (run it elsewhere, e.g. on another host)",
        )  # fmt: skip

    def handle(self, *args, **opts):
        if not opts["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        web = [
            sys.executable, "-m", "gunicorn", "openisms.wsgi:application",
            "--bind", f"{opts['host']}:{opts['port']}",
            "--workers", str(opts["workers"]),
            "--timeout", str(opts["timeout"]),
            "--access-logfile", "-",
            "--no-control-socket",
        ]  # fmt: skip
        processes = [subprocess.Popen(web)]  # noqa: S603 - our own interpreter and arguments
        if not opts["no_task_worker"]:
            worker = [sys.executable, "-m", "openisms", "db_worker", "--interval", "1"]
            processes.append(subprocess.Popen(worker))  # noqa: S603
            from openisms.core.tasks import schedule_purge

            schedule_purge()  # then daily: each run queues the next
        self.stdout.write(
            f"Serving on http://{opts['host']}:{opts['port']}/ (data in {settings.HOME}); "
            f"{'no' if opts['no_task_worker'] else 'one'} background-task worker."
        )
        self.stdout.flush()
        self._supervise(processes)

    def _supervise(self, processes: list[subprocess.Popen]) -> None:
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while not stopping and all(p.poll() is None for p in processes):
                time.sleep(0.5)
        finally:
            for p in processes:
                if p.poll() is None:
                    p.terminate()
            for p in processes:
                try:
                    p.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    p.kill()
        failed = [p for p in processes if p.returncode not in (0, -signal.SIGTERM, None)]
        if failed and not stopping:
            sys.exit(1)
