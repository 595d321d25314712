"""The mixed workload of `make reliability` (bench/reliability.py): residents reading the public pages and answering
the open survey, as Locust users. Not for running by hand without bench/reliability.py, which writes the targets
file and reads the two logs this file appends to:

- RELIABILITY_LOG: one JSON line per request (time, page type, status, milliseconds, Retry-After), so that the
  analysis can cut the run into the time before, during and after a database outage;
- RELIABILITY_ACCEPTED: the submission token of every survey answer the portal accepted (a redirect to the
  thank-you page). Each must be in the database afterwards: that is what "nothing lost" means.
"""

import json
import os
import random
import time
import uuid
from pathlib import Path

from locust import HttpUser, between, events, task

# bench/run.py's reader of the survey form (Locust puts this file's folder on the import path).
from run import _FormReader

TARGETS = json.loads(Path(os.environ["RELIABILITY_TARGETS"]).read_text(encoding="utf-8"))
_log = open(os.environ["RELIABILITY_LOG"], "a", encoding="utf-8", buffering=1)  # noqa: SIM115 (open for the run)
_accepted = open(os.environ["RELIABILITY_ACCEPTED"], "a", encoding="utf-8", buffering=1)  # noqa: SIM115

# A resident whose answer was refused with a 503 reads "try again in a moment" and sends it again; after this many
# tries they give up (the answer was never accepted, so it is not lost either).
SUBMIT_TRIES = 8


@events.request.add_listener
def record(request_type, name, response_time, response, exception, start_time, **kwargs):
    status = getattr(response, "status_code", 0) or 0
    _log.write(
        json.dumps(
            {
                "t": round(start_time, 3),
                "name": name,
                "status": status,
                "ms": round(response_time, 1),
                "retry_after": response.headers.get("Retry-After") if status else None,
                "traceback": bool(status >= 500 and b"Traceback" in (response.content or b"")),
            }
        )
        + "\n"
    )


class Resident(HttpUser):
    wait_time = between(0.2, 1.0)

    def _get(self, name, path):
        # Every page type under its own name, whichever kommun it was.
        self.client.get(path, name=name, allow_redirects=False)

    @task(4)
    def kommun(self):
        self._get("kommun", random.choice(TARGETS["kommuner"]))

    @task(4)
    def period(self):
        self._get("period", random.choice(TARGETS["periods"]))

    @task(2)
    def follow_up(self):
        self._get("follow-up", random.choice(TARGETS["follow_ups"]))

    @task(2)
    def home(self):
        self._get("home", "/")

    @task(1)
    def theme(self):
        self._get("theme", random.choice(TARGETS["themes"]))

    @task(1)
    def overview(self):
        self._get("national overview", TARGETS["overview"])

    @task(2)
    def search(self):
        # A word and a number: most searches are new to the page cache, so they reach the database.
        word = random.choice(TARGETS["search_words"])
        self._get("search", f"{TARGETS['search']}?q={word}+{random.randint(1, 10_000)}")

    @task(1)
    def places(self):
        self._get("unsafe places", random.choice(TARGETS["places"]))

    @task(1)
    def promise_pdf(self):
        self._get("promise PDF", random.choice(TARGETS["pdfs"]))

    @task(3)
    def answer_survey(self):
        path = TARGETS["survey"]
        page = self.client.get(path, name="survey form", allow_redirects=False)
        if page.status_code != 200:
            return
        reader = _FormReader()
        reader.feed(page.text)
        token = str(uuid.uuid4())
        fields = {**reader.fields, "submission_token": token}
        # The CSRF cookie is Secure in production and requests keeps Secure cookies off plain http, so it goes back
        # by hand, as a browser behind the TLS proxy would send it.
        cookie = "; ".join(f"{name}={value}" for name, value in page.cookies.items())
        headers = {"Cookie": cookie, "Referer": self.host + path}
        for _ in range(SUBMIT_TRIES):
            answer = self.client.post(path, data=fields, headers=headers, name="survey answer", allow_redirects=False)
            if answer.status_code == 302:
                _accepted.write(token + "\n")
                return
            if answer.status_code != 503:
                return
            time.sleep(min(float(answer.headers.get("Retry-After") or 5), 5))
