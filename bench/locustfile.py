"""Load test of keguan with locust: bureau staff and enterprises clicking through the system.

Started by ``bench/bench_load.py`` (which prepares the database and the server and reads the results); by
hand::

    KEGUAN_LOAD_FIXTURE=… .venv/bin/locust -f bench/locustfile.py --headless --host http://127.0.0.1:8000 …

Every simulated user logs in with a demo account (区县科技局人员 ``staff_<code>``, 市局人员 ``city_staff``,
企业用户 ``ent_<code>``), waits 4–6 s between actions and mixes reads (home page, enterprise list with filters,
detail, qualifications page, dashboard, pre-check, a work summary's preview) with writes (an enterprise's
contact fields, a year's figures, a tutoring visit on the qualifications page). A write first reads its form
and posts back every field with the version it was read at, as a browser does; it counts as a success only
when the server answers with the redirect of a save. Each writer has its own firms (district staff a slice of
their district's sample, enterprise users one account each), so no two users ever edit the same record and a
stale-version refusal would be a real fault.

The fixture (JSON, written by bench_load.py) names the districts, their firms, townships and summaries.
Environment: ``KEGUAN_LOAD_FIXTURE`` (path), ``KEGUAN_LOAD_MIX`` (``district,city,enterprise`` user counts),
``KEGUAN_LOAD_SETTLE`` (seconds after the last user logged in before the measured window opens: logins
are not measured), ``KEGUAN_LOAD_MEASURE`` (the window's seconds; then the test stops), ``KEGUAN_LOAD_OUT`` (where to write the statistics as JSON when the test stops).
"""

from __future__ import annotations

import itertools
import json
import math
import os
import random
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import gevent
from locust import FastHttpUser, between, events, task

PASSWORD = "Kejiju@2024"
FIXTURE = json.loads(Path(os.environ["KEGUAN_LOAD_FIXTURE"]).read_text(encoding="utf-8"))
_MIX = [int(x) for x in os.environ.get("KEGUAN_LOAD_MIX", "168,20,12").split(",")]
SETTLE = float(os.environ.get("KEGUAN_LOAD_SETTLE", "20"))
MEASURE = float(os.environ.get("KEGUAN_LOAD_MEASURE", "180"))
OUT = os.environ.get("KEGUAN_LOAD_OUT")
FORM_TYPE = {"Content-Type": "application/x-www-form-urlencoded"}
PERCENTILES = (0.5, 0.95, 0.99)


# ---------------------------------------------------------------------------------------------- HTML forms


class _FormReader(HTMLParser):
    """The forms of a page as a browser would submit them: (name, value) pairs of the enabled controls —
    text/hidden/number/date inputs, checked boxes, each select's selected (else first) option, textareas."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: dict | None = None
        self._textarea: list | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "fields": []}
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            name = a.get("name")
            if not name or "disabled" in a or kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form["fields"].append((name, a.get("value") or ("on" if kind in ("checkbox", "radio") else "")))
        elif tag == "select":
            skip = "disabled" in a or not a.get("name")
            self._select = {"name": a.get("name"), "first": None, "chosen": None, "skip": skip}
        elif tag == "option" and self._select is not None:
            value = a.get("value") or ""
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a and self._select["chosen"] is None:
                self._select["chosen"] = value
        elif tag == "textarea" and a.get("name") and "disabled" not in a:
            self._textarea = [a["name"], ""]

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select is not None:
            s, self._select = self._select, None
            value = s["chosen"] if s["chosen"] is not None else s["first"]
            if self._form is not None and not s["skip"] and value is not None:
                self._form["fields"].append((s["name"], value))
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self._textarea = None
            if self._form is not None:
                self._form["fields"].append((name, text.removeprefix("\n")))
        elif tag == "form":
            self._form = None


def form_fields(html: str, *, field: str | None = None, action: str | None = None) -> dict[str, str] | None:
    """The first form on the page that has the control ``field`` or whose action contains ``action``."""
    reader = _FormReader()
    reader.feed(html)
    for form in reader.forms:
        names = {n for n, _ in form["fields"]}
        if (field is None or field in names) and (action is None or action in form["action"]):
            return dict(form["fields"])
    return None


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(9))


# ---------------------------------------------------------------------------------------------- users


class Staff(FastHttpUser):
    abstract = True
    wait_time = between(4, 6)
    username = ""

    def on_start(self) -> None:
        self.rng = random.Random()
        try:
            self.login(self.username)
        finally:
            _logged_in[0] += 1  # (a refused login is a failure, counted; the window opens all the same)

    # --- helpers

    def login(self, username: str, attempts: int = 3) -> None:
        """Log in through the form (as a person would, again if the page timed out; every failed attempt
        is counted, before the measured window)."""
        for _ in range(attempts):
            page = self.client.get("/accounts/login/", name="login")
            fields = form_fields(page.text or "", field="username") or {}
            fields.update(username=username, password=PASSWORD)
            with self.client.post("/accounts/login/", data=urlencode(fields), headers=FORM_TYPE, name="login",
                                  allow_redirects=False, catch_response=True) as r:
                if r.status_code == 302 and "/accounts/login/" not in ((r.headers or {}).get("Location") or ""):
                    return
                r.failure(f"login of {username} refused ({r.status_code})")

    def read(self, url: str, name: str) -> str:
        """GET a page; anything but 200 (a redirect to the login page, a 403/404/500) is a failure."""
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code} {(r.headers or {}).get('Location') or ''}".strip())
                return ""
            return r.text or ""

    def save(self, url: str, fields: dict, name: str, then: str, then_name: str) -> bool:
        """POST a form; success is the redirect to ``then`` a save answers with (a page with the form again
        means the server refused it: a validation error or a stale version). Follows the redirect as a
        browser does."""
        with self.client.post(url, data=urlencode(fields), headers=FORM_TYPE, name=name, allow_redirects=False,
                              catch_response=True) as r:
            where = urlsplit((r.headers or {}).get("Location") or "").path
            if r.status_code != 302 or where != then:
                snippet = ""
                if r.status_code == 200 and r.text:
                    i = r.text.find("invalid-feedback")
                    snippet = r.text[i:i + 160] if i >= 0 else r.text[:0]
                r.failure(f"not saved: {r.status_code} {where} {snippet}".strip())
                return False
        self.read(then, then_name)
        return True

    def no_form(self, name: str, url: str) -> None:
        """The page came back without the form to save (it was counted as read): the write is a failure."""
        self.environment.events.request.fire(
            request_type="POST", name=name, response_time=0, response_length=0, context={},
            exception=Exception(f"no form to save on {url}"),
        )

    def edit_contact(self, firm: int, name: str) -> None:
        url = f"/enterprises/{firm}/edit/"
        fields = form_fields(self.read(url, f"{name} form"), field="version")
        if fields is None:
            return self.no_form(f"{name} save", url)
        fields["contact_name"] = self.rng.choice("王李张刘陈杨黄赵吴周") + self.rng.choice(["伟", "芳", "娜", "敏", "静", "磊"])
        fields["contact_phone"] = _phone(self.rng)
        self.save(url, fields, f"{name} save", f"/enterprises/{firm}/", "detail")

    def edit_year(self, firm: int, year: int, name: str) -> None:
        url = f"/enterprises/{firm}/years/{year}/"
        fields = form_fields(self.read(url, f"{name} form"), field="version")
        if fields is None:
            return self.no_form(f"{name} save", url)
        ip = int(fields.get("ip_class2") or 0)
        fields["ip_class2"] = str(ip + 1 if ip < 5 else ip - 1)  # coherent with every cross-field check
        self.save(url, fields, f"{name} save", f"/enterprises/{firm}/", "detail")


class DistrictStaff(Staff):
    """区县科技局人员: most of the users. Reads and writes in their own district."""

    fixed_count = _MIX[0]
    _numbers = itertools.count()

    def on_start(self) -> None:
        n = next(DistrictStaff._numbers)
        districts = FIXTURE["districts"]
        self.d = districts[n % len(districts)]
        self.username = self.d["staff"]
        # this user's own firms to write: every k-th of the district's sample, k = users in the district
        k = max(1, (self.fixed_count + len(districts) - 1 - n % len(districts)) // len(districts))
        self.mine = self.d["writable"][n // len(districts)::k] or self.d["writable"][:1]
        super().on_start()

    def firm(self) -> int:
        return self.rng.choice(self.d["firms"])

    @task(10)
    def home(self) -> None:
        self.read("/", "home")

    @task(20)
    def enterprise_list(self) -> None:
        kind, params = self.rng.choice([
            ("plain", {}),
            ("search", {"q": self.rng.choice(["科技", "电子", "农业", "信息", "贸易"])}),
            ("stage", {"stage": self.rng.choice(["tech_sme", "pool", "hnte", "attracted"])}),
            ("search+stage", {"q": "科技", "stage": "hnte"}),
            ("township", {"township": self.rng.choice(self.d["townships"])}),
            ("industry", {"industry": self.rng.choice(["C", "I", "M", "F"])}),
            ("page", {"page": self.rng.randint(2, 200)}),
        ])
        self.read("/enterprises/?" + urlencode(params) if params else "/enterprises/", f"list: {kind}")

    @task(15)
    def detail(self) -> None:
        self.read(f"/enterprises/{self.firm()}/", "detail")

    @task(5)
    def records(self) -> None:
        self.read(f"/pipeline/{self.firm()}/records/", "records")

    @task(3)
    def dashboard(self) -> None:
        self.read("/indicators/", "dashboard")

    @task(1)
    def precheck(self) -> None:
        rule = self.rng.choice(["tech_sme", "hnte"])
        self.read(f"/pipeline/precheck/?rule={rule}", f"precheck: {rule}")

    @task(2)
    def summary(self) -> None:
        self.read(f"/reports/v/{self.d['summary']}/", "summary preview")

    @task(4)
    def edit(self) -> None:
        firm, _year = self.rng.choice(self.mine)
        self.edit_contact(firm, "edit")

    @task(4)
    def year(self) -> None:
        firm, year = self.rng.choice(self.mine)
        self.edit_year(firm, year, "year figures")

    @task(3)
    def visit(self) -> None:
        firm, _year = self.rng.choice(self.mine)
        page = self.read(f"/pipeline/{firm}/records/", "records")
        fields = form_fields(page, action=f"/pipeline/{firm}/visits/")
        if fields is None:
            return self.no_form("visit save", f"/pipeline/{firm}/records/")
        fields["visit-tutor"] = "区科技局企业服务组"
        fields["visit-content"] = self.rng.choice(["上门了解研发投入归集情况", "讲解高企认定条件和申报材料",
                                                   "电话回访科小入库后的研发项目进展"])
        self.save(f"/pipeline/{firm}/visits/", fields, "visit save", f"/pipeline/{firm}/records/", "records")


class CityStaff(Staff):
    """市局人员: reads the whole city."""

    fixed_count = _MIX[1]
    username = "city_staff"

    @task(10)
    def home(self) -> None:
        self.read("/", "home")

    @task(20)
    def enterprise_list(self) -> None:
        d = self.rng.choice(FIXTURE["districts"])
        kind, params = self.rng.choice([
            ("plain", {}),
            ("search", {"q": self.rng.choice(["科技", "电子", "农业", "信息", "贸易"])}),
            ("search+stage", {"q": "科技", "stage": "hnte"}),
            ("district", {"district": d["id"]}),
            ("industry", {"industry": self.rng.choice(["C", "I", "M", "F"])}),
            ("page", {"page": self.rng.randint(2, 500)}),
        ])
        self.read("/enterprises/?" + urlencode(params) if params else "/enterprises/", f"list: {kind}")

    @task(10)
    def detail(self) -> None:
        self.read(f"/enterprises/{self.rng.choice(self.rng.choice(FIXTURE['districts'])['firms'])}/", "detail")

    @task(5)
    def dashboard(self) -> None:
        self.read("/indicators/", "dashboard")

    @task(3)
    def summary(self) -> None:
        pk = self.rng.choice([FIXTURE["city_summary"], *(d["summary"] for d in FIXTURE["districts"])])
        self.read(f"/reports/v/{pk}/", "summary preview")


class EnterpriseUser(Staff):
    """企业用户: one account each (``ent_<code>``), looking at and updating their own firm."""

    fixed_count = _MIX[2]
    _numbers = itertools.count()

    def on_start(self) -> None:
        e = FIXTURE["enterprises"][next(EnterpriseUser._numbers) % len(FIXTURE["enterprises"])]
        self.username, self.firm, self.year = e["username"], e["firm"], e["year"]
        super().on_start()

    @task(10)
    def mine(self) -> None:
        # (an enterprise user's home page is a redirect to this page)
        self.read(f"/enterprises/{self.firm}/", "detail")

    @task(3)
    def self_check(self) -> None:
        self.read("/pipeline/self-check/", "self-check")

    @task(1)
    def edit(self) -> None:
        self.edit_contact(self.firm, "edit")

    @task(1)
    def year_figures(self) -> None:
        self.edit_year(self.firm, self.year, "year figures")


# ---------------------------------------------------------------------------------------------- measuring
# Every request of the measured window is kept (a few thousand a minute) and its percentiles computed exactly
# (nearest rank), by name, for reads (GET), writes (POST) and in total.

_window: dict = {}
_samples: list[tuple[str, str, float, str | None]] = []  # method, name, ms, error


_logged_in = [0]


@events.spawning_complete.add_listener
def _measure_after_settling(user_count: int, **_kw) -> None:
    """Logins (a password hash each) are not measured: the window opens ``SETTLE`` seconds after the last
    user has logged in, lasts ``MEASURE`` seconds, then the test stops."""

    def measure() -> None:
        while _logged_in[0] < user_count:
            gevent.sleep(1)
        gevent.sleep(SETTLE)
        _samples.clear()
        _window.update(started=time.time(), users=user_count, load_at_start=os.getloadavg())
        gevent.sleep(MEASURE)
        _env["environment"].runner.quit()

    gevent.spawn(measure)


_env: dict = {}


@events.init.add_listener
def _keep_environment(environment, **_kw) -> None:
    _env["environment"] = environment


@events.request.add_listener
def _record(request_type: str, name: str, response_time: float, exception=None, **_kw) -> None:
    if "started" in _window:
        _samples.append((request_type, name, response_time, None if exception is None else str(exception)))


def _nearest_rank(ordered: list[float], q: float) -> float:
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] if ordered else 0.0


def _entry(rows: list, seconds: float) -> dict:
    times = sorted(ms for _m, _n, ms, _e in rows)
    return {
        "requests": len(rows),
        "failures": sum(1 for *_x, e in rows if e is not None),
        "rps": round(len(rows) / seconds, 2),
        "avg_ms": round(sum(times) / len(times), 1) if times else 0.0,
        "max_ms": round(times[-1], 1) if times else 0.0,
        **{f"p{int(q * 100)}_ms": round(_nearest_rank(times, q), 1) for q in PERCENTILES},
    }


@events.test_stop.add_listener
def _write_results(**_kw) -> None:
    if not OUT or "started" not in _window:
        return
    seconds = time.time() - _window["started"]
    rows = list(_samples)
    names = sorted({(m, n) for m, n, _t, _e in rows})
    errors: dict[tuple, int] = {}
    for m, n, _t, e in rows:
        if e is not None:
            errors[(m, n, e)] = errors.get((m, n, e), 0) + 1
    payload = {
        "window": {"seconds": round(seconds, 1), "users": _window["users"],
                   "load_at_start": [round(x, 2) for x in _window["load_at_start"]],
                   "load_at_end": [round(x, 2) for x in os.getloadavg()]},
        "by_name": {f"{m} {n}": _entry([r for r in rows if r[0] == m and r[1] == n], seconds) for m, n in names},
        "reads": _entry([r for r in rows if r[0] == "GET"], seconds),
        "writes": _entry([r for r in rows if r[0] == "POST"], seconds),
        "total": _entry(rows, seconds),
        "errors": [{"method": m, "name": n, "error": e, "occurrences": k}
                   for (m, n, e), k in sorted(errors.items(), key=lambda kv: -kv[1])],
    }
    Path(OUT).write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
