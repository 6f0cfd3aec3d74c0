"""The deadline rush as a locust scenario (issue 11 §17): each locust user is one enterprise that logs in, autosaves
its draft five times, uploads one material and submits — then it is done.

Run by bench/bench_deadline_rush.py, which prepares the enterprises and writes them to the JSON file named by
RUSH_USERS_FILE: a list of {"username", "password", "application", "version", "item", "summary"}. Each user
takes the next enterprise of the list; one that finds the list used up does nothing. A finished user stays idle
(no request) instead of stopping, so that locust does not spawn a replacement for it during the ramp-up; when
every enterprise has submitted the run ends by itself, and RUSH_RESULT_FILE receives what happened (how many
flows were completed, when the first began and the last submission ended, the failed steps).

Requests go to the JSON API with a bearer token, as a client of the API would make them, and are named by type:
  login     POST /api/v1/auth/token                          {"username", "password"} -> 200 {"token"}
  autosave  PATCH /api/v1/applications/{id}                  {"data": merge patch, "version"} -> 200
            with `Prefer: return=minimal` (the short answer: version, saved_at, errors), unless
            RUSH_FULL_AUTOSAVE=1 asks for the whole application in every answer
  upload    POST /api/v1/applications/{id}/materials          multipart item + file (a small valid PDF) -> 201
  submit    POST /api/v1/applications/{id}/submit             {"declaration": true} -> 200, status submitted
The autosaves type the 情况总结 in five steps (the merge patch replaces only `summary`), 1–2 s apart (the page
saves 0.8 s after typing stops); the steps of one enterprise follow each other after a short think time.

    RUSH_USERS_FILE=… locust -f bench/locustfile.py --headless -u 2000 -r 8 --run-time 5m --host http://…
"""

import json
import os
import random
import time

import gevent
from locust import HttpUser, between, events, task

_POOL = []
_STATE = {"next": 0, "done": 0, "finished": 0, "started": None, "last_done": None, "failed": []}


@events.init.add_listener
def _load_pool(environment, **kwargs):
    path = os.environ.get("RUSH_USERS_FILE")
    if path:
        with open(path, encoding="utf-8") as f:
            _POOL.extend(json.load(f))


@events.quitting.add_listener
def _write_result(environment, **kwargs):
    path = os.environ.get("RUSH_RESULT_FILE")
    if path:
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"pool": len(_POOL), **_STATE, "failed": _STATE["failed"][:50]}, f)


def _pdf(title):
    """A small valid one-page PDF, different for every enterprise (its own SHA-256, as real scans would be)."""
    content = f"BT /F1 14 Tf 72 770 Td (Shenbao rush material {title}) Tj ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


class Enterprise(HttpUser):
    wait_time = between(1, 2)  # between the steps of one enterprise

    def _expect(self, response, status, step):
        """Mark the response failed unless it has the status expected; return its JSON (or None)."""
        if response.status_code != status:
            response.failure(f"{step}: {response.status_code} {response.text[:200]}")
            _STATE["failed"].append(f"{self.me['username']} {step} {response.status_code} {response.text[:200]}")
            return None
        try:
            return response.json()
        except ValueError:
            response.failure(f"{step}: not JSON")
            return None

    @task
    def deadline_rush(self):
        if _STATE["next"] >= len(_POOL):
            self._idle()
        self.me = _POOL[_STATE["next"]]
        _STATE["next"] += 1
        if _STATE["started"] is None:
            _STATE["started"] = time.time()
        if self._flow():
            _STATE["done"] += 1
            _STATE["last_done"] = time.time()
        _STATE["finished"] += 1
        if _STATE["finished"] >= len(_POOL):
            gevent.spawn_later(0.5, self.environment.runner.quit)  # every enterprise has had its turn
        self._idle()

    def _idle(self):
        while True:  # done: stay, without requests, until the run ends (a stopped user would be replaced)
            gevent.sleep(3600)

    def _flow(self):
        me = self.me
        app = me["application"]
        with self.client.post(
            "/api/v1/auth/token",
            json={"username": me["username"], "password": me["password"]},
            name="login",
            catch_response=True,
        ) as response:
            body = self._expect(response, 200, "login")
            if body is None:
                return False
            headers = {"Authorization": f"Bearer {body['token']}"}

        version, summary = me["version"], me["summary"]
        save_headers = (
            headers if os.environ.get("RUSH_FULL_AUTOSAVE") == "1" else {**headers, "Prefer": "return=minimal"}
        )
        for step in range(1, 6):
            gevent.sleep(random.uniform(1.0, 2.0))  # typing
            typed = summary[: max(1, len(summary) * step // 5)]
            with self.client.patch(
                f"/api/v1/applications/{app}",
                json={"data": {"summary": typed}, "version": version},
                headers=save_headers,
                name="autosave",
                catch_response=True,
            ) as response:
                body = self._expect(response, 200, f"autosave {step}")
                if body is None:
                    return False
                version = body["version"]

        self.wait()
        with self.client.post(
            f"/api/v1/applications/{app}/materials",
            data={"item": me["item"]},
            files={"file": (f"{me['item']}.pdf", _pdf(me["username"]), "application/pdf")},
            headers=headers,
            name="upload",
            catch_response=True,
        ) as response:
            if self._expect(response, 201, "upload") is None:
                return False

        self.wait()
        with self.client.post(
            f"/api/v1/applications/{app}/submit",
            json={"declaration": True},
            headers=headers,
            name="submit",
            catch_response=True,
        ) as response:
            body = self._expect(response, 200, "submit")
            if body is None:
                return False
            if body.get("status") != "submitted" or not body.get("receipt_no"):
                response.failure(f"submit: status {body.get('status')}, receipt {body.get('receipt_no')}")
                _STATE["failed"].append(f"{me['username']} submit: {body.get('status')}")
                return False
        return True
