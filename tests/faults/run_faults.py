#!/usr/bin/env python3
"""Bounded fault-injection run against a running authzd stack (Python standard library only).

Parallel writers in all three dialects (OneLogin servers with their scopes and claims, OneLogin
apps, Azure authorizationServers, Venafi applications) and of the token service (tokens issued,
then revoked: the signing keys and the revocations must outlive every fault) write while the run SIGKILLs workers,
restarts PostgreSQL with -m fast and -m immediate, and reloads nginx. Every thread owns its
resources and writes each one sequentially, keeping a ledger of every write: acknowledged (2xx,
Venafi Result 0) or not (502/503/5xx/connection error after sending: it may or may not have
committed). At the end the state read back through the API must be the last acknowledged write
or one of the unacknowledged attempts after it (an observation made while settling an
unacknowledged write counts like an acknowledgement); anything else is a LOST or CHANGED write.

Asserted: no acknowledged write lost or changed; every response JSON (but 204 and documented empty
200s); the only 5xx are 503 with Retry-After and 502 (a request cut by a kill); no 4xx beyond the
ones a writer expects; no connection errors; readiness back within --ready-limit seconds after
each fault; the supervisor unchanged and its workers back to N; no orphan or half-written rows
(SQL); every acknowledged create/delete audited. Prints the figures; --out writes them as JSON.
Exit 0 only when every assertion holds.

    python3 tests/faults/run_faults.py --var var/test --duration 60 [--out faults.json]

Needs a stack started by scripts/up or scripts/test: <var>/authzd.env, admin-credential.json,
run/authzd.pid, pg/ (restarted with pg_ctl, through runuser -u postgres when root) and
nginx/nginx.conf. The machinery it drives is the stack's own; it never stops the stack.
"""
import argparse
import base64
import collections
import http.client
import json
import os
import random
import re
import shlex
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse

ACK, UNACKED, NOTFOUND, NOTSENT, FAILED, OBSERVED = "ack", "unacked", "notfound", "notsent", "failed", "observed"
AZ_API = "api-version=2022-08-01"
VENAFI_SCOPES = ["certificate:discover", "certificate:manage", "ssh:manage", "statistics",
                 "configuration:manage", "certificate:discover,manage", "admin;certificate:manage"]
T0 = time.monotonic()


def now():
    return time.monotonic() - T0


def log(msg):
    print(f"[{now():6.1f}s] {msg}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------- the stack

def parse_env(path):
    env = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line.startswith("export "):
                continue
            for tok in shlex.split(line)[1:]:
                if "=" in tok:
                    k, v = tok.split("=", 1)
                    env[k] = v
    return env


def parse_config(path):
    conf = {}
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if "=" in line:
                k, v = line.split("=", 1)
                conf[k.strip()] = v.strip()
    return conf


class Stack:
    def __init__(self, var):
        self.var = os.path.abspath(var)
        self.env = parse_env(os.path.join(self.var, "authzd.env"))
        self.url = self.env["AUTHZD_URL"]
        self.https_url = self.env.get("AUTHZD_HTTPS_URL")
        self.ca = self.env.get("AUTHZD_CA", os.path.join(self.var, "tls", "cert.pem"))
        self.config_file = self.env.get("AUTHZD_CONFIG", os.path.join(self.var, "authzd.conf"))
        self.config = parse_config(self.config_file)
        if "workers" not in self.config:
            raise SystemExit(f"no 'workers' in {self.config_file}")
        self.workers = int(self.config["workers"])
        self.pid_file = self.env.get("AUTHZD_PID_FILE", os.path.join(self.var, "run", "authzd.pid"))
        # scripts/lib.sh may keep the cluster outside var/ (where user postgres can reach it)
        self.pgdata = self.env.get("AUTHZD_PGDATA", os.path.join(self.var, "pg"))
        self.pg_log = self.env.get("AUTHZD_PG_LOG", os.path.join(self.var, "log", "postgres.log"))
        self.pg_ctl = os.path.join(os.environ.get("AUTHZD_PG_BINDIR", "/usr/lib/postgresql/15/bin"), "pg_ctl")
        self.nginx_prefix = os.path.join(self.var, "nginx")
        self.nginx_conf = os.path.join(self.nginx_prefix, "nginx.conf")
        self.nginx_error_log = os.path.join(self.var, "log", "nginx-error.log")
        self.authzd_log = self.env.get("AUTHZD_LOG_FILE", os.path.join(self.var, "log", "authzd.log"))
        with open(os.path.join(self.var, "admin-credential.json")) as f:
            self.credential = json.load(f)
        self.pg_env = dict(os.environ)
        for k in ("PGHOST", "PGPORT", "PGUSER", "PGDATABASE"):
            if k in self.env:
                self.pg_env[k] = self.env[k]
        self.pg_env.pop("PGPASSWORD", None)

    def supervisor_pid(self):
        try:
            with open(self.pid_file) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def children(self, pid):
        """Live (not zombie) children of pid."""
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as f:
                kids = [int(x) for x in f.read().split()]
        except OSError:
            out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
            kids = [int(x) for x in out.stdout.split()]
        live = []
        for k in kids:
            try:
                with open(f"/proc/{k}/stat") as f:
                    state = f.read().rsplit(")", 1)[1].split()[0]
                if state != "Z":
                    live.append(k)
            except OSError:
                pass
        return live

    def as_pg(self, argv):
        return (["runuser", "-u", "postgres", "--"] + argv) if os.geteuid() == 0 else argv

    def pg_restart(self, mode):
        argv = self.as_pg([self.pg_ctl, "-D", self.pgdata, "-l", self.pg_log, "-w", "-t", "60",
                           "restart", "-m", mode])
        return subprocess.run(argv, capture_output=True, text=True, timeout=120)

    def nginx_reload(self):
        argv = ["nginx", "-p", self.nginx_prefix + "/", "-c", self.nginx_conf, "-e", self.nginx_error_log,
                "-s", "reload"]
        return subprocess.run(argv, capture_output=True, text=True, timeout=30)

    def psql(self, sql):
        out = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql],
                             capture_output=True, text=True, env=self.pg_env, timeout=60)
        if out.returncode != 0:
            raise RuntimeError(f"psql failed: {out.stderr.strip()}")
        return [line.split("\t") for line in out.stdout.splitlines() if line != ""]


# ------------------------------------------------------------------------------- bookkeeping

class Violations:
    def __init__(self):
        self.lock = threading.Lock()
        self.items = []
        self.categories = collections.OrderedDict()   # category -> [count, first example]

    def add(self, category, message):
        with self.lock:
            line = f"{category}: {message}"
            if len(self.items) < 2000:
                self.items.append(line)
            c = self.categories.setdefault(category, [0, message])
            c[0] += 1

    def count(self):
        return sum(c[0] for c in self.categories.values())


class FaultClock:
    """What fault is under way (from its start until readiness is back), to tag responses."""

    def __init__(self):
        self.lock = threading.Lock()
        self.active = None
        self.reload_windows = []

    def begin(self, label):
        with self.lock:
            self.active = label

    def end(self):
        with self.lock:
            self.last = (self.active, now())
            self.active = None

    last = (None, -1e9)

    def tag(self):
        with self.lock:
            if self.active:
                return self.active
            label, t = self.last
            if label and now() - t < 3.0:
                return f"3 s after {label}"
            return "no fault"

    def in_reload_window(self, t):
        with self.lock:
            return any(a <= t <= b for a, b in self.reload_windows)


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.sent = collections.Counter()            # purpose -> requests sent
        self.status = collections.Counter()          # status (or error kind) -> n
        self.status_by_purpose = collections.Counter()
        self.fivexx = collections.Counter()          # "503 with Retry-After", ...
        self.fivexx_by_fault = collections.Counter()  # (label, fault) -> n
        self.fivexx_by_route = collections.Counter()  # (label, route) -> n
        self.conn_errors = collections.Counter()     # (kind, context) -> n
        self.bodies_502 = collections.Counter()      # content type of 502 bodies
        self.counts = collections.Counter()          # misc figures

    def inc(self, key, n=1):
        with self.lock:
            self.counts[key] += n


class Resp:
    __slots__ = ("status", "headers", "raw", "json", "err", "fault", "t")

    def __init__(self):
        self.status = None
        self.headers = {}
        self.raw = b""
        self.json = None
        self.err = None
        self.fault = None
        self.t = 0.0

    def ok(self, *codes):
        return self.err is None and self.status in codes


class Client:
    """One fresh connection per request (Connection: close), as urllib does, and the
    response rules applied to every answer."""

    def __init__(self, stack, token, stats, violations, clock, https=False, timeout=30.0):
        self.stack, self.token, self.stats, self.v, self.clock = stack, token, stats, violations, clock
        u = urllib.parse.urlsplit(stack.https_url if https and stack.https_url else stack.url)
        self.https = u.scheme == "https"
        self.host, self.port = u.hostname, u.port or (443 if self.https else 80)
        self.tls = ssl.create_default_context(cafile=stack.ca) if self.https else None
        self.timeout = timeout

    def raw_call(self, method, path, body=None, headers=None, timeout=None):
        r = Resp()
        r.t = now()
        r.fault = self.clock.tag()
        h = {"Connection": "close"}
        if self.token:
            h["Authorization"] = f"Bearer {self.token}"
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        if headers:
            h.update(headers)
        t = timeout or self.timeout
        if self.https:
            conn = http.client.HTTPSConnection(self.host, self.port, timeout=t, context=self.tls)
        else:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=t)
        try:
            try:
                conn.connect()
            except OSError as e:
                r.err = f"connect: {type(e).__name__}: {e}"
                return r
            try:
                conn.request(method, path, body=data, headers=h)
                res = conn.getresponse()
                r.raw = res.read()
                r.status = res.status
                r.headers = {k.lower(): v for k, v in res.getheaders()}
            except socket.timeout as e:
                r.err = f"timeout: {e}"
            except (OSError, http.client.HTTPException) as e:
                r.err = f"{type(e).__name__}: {e}"
        finally:
            conn.close()
        at_end = self.clock.tag()      # a fault that began while this request was under way wins
        if r.fault == "no fault" or not at_end.startswith(("3 s after", "no fault")):
            r.fault = at_end
        if r.raw and r.headers.get("content-type", "").startswith("application/json"):
            try:
                r.json = json.loads(r.raw)
            except ValueError:
                r.json = None
        return r

    def call(self, method, path, body=None, expect=(200,), empty_ok=False, purpose="write", headers=None,
             what=None):
        """Sends, records, and checks the response rules. expect: the statuses this caller
        handles (anything else non-5xx is a violation)."""
        r = self.raw_call(method, path, body, headers)
        what = what or f"{method} {path.split('?')[0]}"
        st = self.stats
        with st.lock:
            if r.err is None or not r.err.startswith("connect"):
                st.sent[purpose] += 1
            key = str(r.status) if r.err is None else ("connect error" if r.err.startswith("connect")
                                                       else "error after sending")
            st.status[key] += 1
            st.status_by_purpose[(purpose, key)] += 1
        if r.err is not None:
            ctx = "during nginx reload" if self.clock.in_reload_window(r.t) else r.fault
            kind = "connect" if r.err.startswith("connect") else ("timeout" if r.err.startswith("timeout")
                                                                  else "after sending")
            with st.lock:
                st.conn_errors[(kind, ctx)] += 1
            self.v.add(f"connection error ({kind})", f"{what} [{ctx}, t={r.t:.1f}s]: {r.err}")
            return r
        s = r.status
        body_txt = r.raw[:300].decode("utf-8", "replace")
        if s >= 500:
            if s == 503:
                label = "503 with Retry-After" if "retry-after" in r.headers else "503 without Retry-After"
            else:
                label = str(s)
            with st.lock:
                st.fivexx[label] += 1
                st.fivexx_by_fault[(label, r.fault)] += 1
                st.fivexx_by_route[(label, route_of(method, path))] += 1
                if s == 502:
                    st.bodies_502[r.headers.get("content-type", "-").split(";")[0]] += 1
            if s == 502:          # nginx's own page: a request cut by a killed worker, and only that
                if "worker-kill" not in r.fault:
                    self.v.add("502 without a worker kill", f"{what} [{r.fault}, t={r.t:.1f}s]: {body_txt[:120]}")
                return r
            if label != "503 with Retry-After":
                self.v.add(f"HTTP {label}", f"{what} [{r.fault}, t={r.t:.1f}s]: {body_txt}")
        elif s not in expect:
            self.v.add(f"unexpected HTTP {s}", f"{what} [{r.fault}, t={r.t:.1f}s]: {body_txt}")
        # every answer is JSON, but 204 (and an empty 200 where the API documents one)
        if s == 204 or (empty_ok and s == 200 and not r.raw):
            if r.raw:
                self.v.add("body on an empty response", f"{what}: HTTP {s} with {body_txt!r}")
        else:
            ctype = r.headers.get("content-type", "")
            if not ctype.startswith("application/json") or r.json is None:
                self.v.add("response not JSON", f"{what}: HTTP {s}, Content-Type {ctype!r}, body {body_txt!r}")
        return r


def route_of(method, path):
    """The route a request hit, with ids and keys taken out."""
    p = path.split("?")[0]
    p = re.sub(r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft.ApiManagement/service/[^/]+",
               "/subscriptions/…/service/{svc}", p)
    p = re.sub(r"/authorizationServers/[^/]+", "/authorizationServers/{name}", p)
    p = re.sub(r"(api_authorizations|apps|scopes|claims|clients|oauth2)/\d+", r"\1/{id}", p)
    return f"{method} {p}"


def retry_pause(r, rng):
    if r.err is None and r.status == 503:
        try:
            ra = float(r.headers.get("retry-after", "1"))
        except ValueError:
            ra = 1.0
        time.sleep(min(ra, 1.0) * (0.3 + 0.4 * rng.random()))
    elif r.err is not None or (r.status or 0) >= 500:
        time.sleep(0.2 + 0.2 * rng.random())


# ------------------------------------------------------------------------------- the ledger

class Entity:
    """One generation of one resource: created once under a unique key, written, deleted."""

    def __init__(self, kind, key, parent=None):
        self.kind, self.key, self.parent = kind, key, parent
        self.id = None
        self.ops = []            # {"op", "state", "outcome", "t"}
        self.belief = None       # what the owner thread believes is stored (None: absent)
        self.uncertain = False
        self.closed = False
        self.frozen = False      # a keeper: created early, never written again
        self.children = []
        self.rev = 0
        self.flagged = False
        self.final_state = None

    def candidates(self):
        base, src, tail = None, "initial", []
        for op in self.ops:
            if op["outcome"] in (ACK, OBSERVED):
                base, src, tail = op["state"], op["outcome"], []
            elif op["outcome"] == UNACKED:
                tail.append(op["state"])
        return base, src, [base] + tail

    def last_unacked(self):
        for op in reversed(self.ops):
            if op["outcome"] == UNACKED:
                return op
            if op["outcome"] in (ACK, OBSERVED):
                return None
        return None


def show(state):
    return "absent" if state is None else json.dumps(state, sort_keys=True)[:240]


# ------------------------------------------------------------------------------- writers

class Writer(threading.Thread):
    kind = "?"

    def __init__(self, idx, run, ctx, seed):
        super().__init__(name=f"writer-{idx}", daemon=True)
        self.idx, self.runid, self.ctx = idx, run, ctx
        self.rng = random.Random(seed)
        self.client = Client(ctx.stack, ctx.token, ctx.stats, ctx.v, ctx.clock, https=(idx % 2 == 1))
        self.entities = []
        self.slots = [None] * ctx.args.slots
        self.gen = [0] * ctx.args.slots
        self.keepers = []
        self.error = None

    # --- helpers
    def new_key(self, slot):
        self.gen[slot] += 1
        return f"{self.runid}-{self.kind}{self.idx}-s{slot}-g{self.gen[slot]}"

    def add_entity(self, e):
        self.entities.append(e)
        return e

    def flag(self, e, category, msg):
        if not e.flagged:
            e.flagged = True
            self.ctx.stats.inc("lost or changed (mid-run)")
        self.ctx.v.add(category, f"{e.kind} {e.key} (id {e.id}): {msg}")

    def stopping(self):
        return self.ctx.stop.is_set()

    def wait_quiet(self):
        while self.ctx.quiet.is_set() and not self.ctx.stop.is_set():
            time.sleep(0.005)

    def hard_stopped(self):
        return self.ctx.hard_stop.is_set()

    def write(self, e, op, state, fn):
        """Runs one write and books it. fn() -> (outcome, resp)."""
        rec = {"op": op, "state": state, "outcome": None, "t": now()}
        e.ops.append(rec)
        outcome, resp = fn()
        rec["outcome"] = outcome
        st = self.ctx.stats
        if outcome == NOTSENT:
            e.ops.pop()
            retry_pause(resp, self.rng)
            return outcome
        st.inc("writes sent")
        if outcome == ACK:
            st.inc("writes acknowledged")
            st.inc(f"acknowledged {e.kind} {op}")
            e.belief, e.uncertain = state, False
            if state is None:
                e.closed = True
            if self.rng.random() < self.ctx.args.readback:
                self.readback(e)
        elif outcome == UNACKED:
            st.inc("writes unacknowledged")
            e.uncertain = True
            retry_pause(resp, self.rng)
        elif outcome == NOTFOUND:
            rec["outcome"] = FAILED
            if not e.uncertain and e.belief is not None:
                self.flag(e, "LOST", f"{op} answered not found; last acknowledged state {show(e.belief)}")
            e.ops.append({"op": "observe", "state": None, "outcome": OBSERVED, "t": now()})
            e.belief, e.uncertain, e.closed = None, False, True
        else:
            st.inc("writes refused")
            if op == "create":
                e.closed = True          # a refused create: this generation never existed
        return outcome

    def readback(self, e):
        found, state = self.read(e)
        if found == "unknown":
            return
        if state != e.belief:
            self.flag(e, "CHANGED" if state is not None else "LOST",
                      f"read right after an acknowledged write: {show(state)}, written {show(e.belief)}")
        else:
            self.ctx.stats.inc("writes verified by read-back")

    def settle(self, e):
        """After an unacknowledged write: read until the stored state is known."""
        time.sleep(0.3)
        while True:
            found, state = self.read(e)
            if found != "unknown":
                break
            if self.hard_stopped():
                return False
            time.sleep(0.25 + 0.25 * self.rng.random())
            self.wait_quiet()
        base, _, cands = e.candidates()
        if state not in cands:
            self.flag(e, "CHANGED" if state is not None else "LOST",
                      f"settling read found {show(state)}; expected one of {[show(c) for c in cands]}")
        last = e.last_unacked()
        if last is not None and last["state"] != base:
            self.ctx.stats.inc("unacknowledged writes found committed" if state == last["state"]
                               else "unacknowledged writes found not committed")
        e.ops.append({"op": "observe", "state": state, "outcome": OBSERVED, "t": now()})
        e.belief, e.uncertain = state, False
        if state is None:
            e.closed = True
        return True

    def run(self):
        try:
            self.loop()
        except Exception as exc:     # a bug in the tool must not pass as a clean run
            import traceback
            self.error = traceback.format_exc()
            self.ctx.v.add("tool error", f"{self.name}: {exc!r}")

    def loop(self):
        for k in range(self.ctx.args.keepers):
            e = self.add_entity(Entity(self.kind, f"{self.runid}-{self.kind}{self.idx}-keep{k}"))
            e.frozen = True
            self.keepers.append(e)
        while not self.stopping():
            self.wait_quiet()
            pending = [e for e in self.keepers if e.uncertain or (e.belief is None and not e.closed)]
            if pending:
                e = pending[0]
                if e.uncertain:
                    self.settle(e)
                else:
                    self.create(e)
                continue
            slot = self.rng.randrange(len(self.slots))
            e = self.slots[slot]
            if e is None or e.closed:
                e = self.slots[slot] = self.add_entity(Entity(self.kind, self.new_key(slot)))
            if e.uncertain:
                self.settle(e)
            elif e.belief is None:
                self.create(e)
            else:
                self.step(e)
            if self.ctx.args.think:
                time.sleep(self.ctx.args.think)
        # finish settling what is open, while the run is still allowed to
        for e in self.entities:
            if e.uncertain and not self.hard_stopped():
                self.settle(e)
            for c in e.children:
                if c.uncertain and e.belief is not None and not e.uncertain and not self.hard_stopped():
                    self.settle(c)

    def step(self, e):
        r = self.rng.random()
        if r < 0.75:
            self.replace(e)
        else:
            self.delete(e)

    # --- generic outcome mapping
    @staticmethod
    def outcome(resp, ok, notfound=(404,)):
        if resp.err is not None:
            return NOTSENT if resp.err.startswith("connect") else UNACKED
        if resp.status in ok:
            return ACK
        if resp.status in notfound:
            return NOTFOUND
        if resp.status >= 500:
            return UNACKED
        return FAILED

    # --- final check
    def verify(self):
        """Reads every resource back; returns nothing, books figures and violations."""
        for e in self.entities:
            self.verify_entity(e)

    def final_read(self, e):
        for _ in range(80):
            found, state = self.read(e)
            if found != "unknown":
                return found, state
            time.sleep(0.25)
        return "unknown", None

    def verify_entity(self, e, found_state=None):
        st = self.ctx.stats
        if found_state is None:
            found, state = self.final_read(e)
        else:
            found, state = found_state
        if found == "unknown":
            self.ctx.v.add("could not read back", f"{e.kind} {e.key} (id {e.id})")
            return None
        e.final_state = state
        base, src, cands = e.candidates()
        st.inc("resources verified")
        if e.frozen:
            st.inc("keepers verified")
        if state in cands:
            st.inc("resources matching the ledger")
            if src == ACK and state == base:
                st.inc("writes verified at the end")
            return state
        if not e.flagged:
            e.flagged = True
            st.inc("lost or changed (at the end)")
        if state is None:
            cat = "LOST"
        elif all(c is None for c in cands):
            cat = "CHANGED (deleted resource is back)"
        else:
            cat = "CHANGED"
        self.ctx.v.add(cat, f"{e.kind} {e.key} (id {e.id}): stored {show(state)}; last {src} "
                            f"{show(base)}; allowed {len(cands)} state(s)")
        return state


class OneLoginServerWriter(Writer):
    kind = "ols"

    def state(self, e):
        e.rev += 1
        n, rng = e.rev, self.rng
        return {"name": f"{e.key}:v{n}", "description": f"rev {n} {rng.randrange(10**6)}",
                "resource_identifier": f"https://api.example.com/{e.key}/{n}",
                "audiences": [f"https://aud{j}.example.com/{e.key}/{n}" for j in range(rng.randint(1, 4))],
                "access": rng.randint(1, 1440), "refresh": rng.randint(1, 525600)}

    @staticmethod
    def body(s):
        return {"name": s["name"], "description": s["description"],
                "configuration": {"resource_identifier": s["resource_identifier"], "audiences": s["audiences"],
                                  "access_token_expiration_minutes": s["access"],
                                  "refresh_token_expiration_minutes": s["refresh"]}}

    @staticmethod
    def from_json(j):
        c = j.get("configuration") or {}
        return {"name": j.get("name"), "description": j.get("description"),
                "resource_identifier": c.get("resource_identifier"), "audiences": c.get("audiences"),
                "access": c.get("access_token_expiration_minutes"),
                "refresh": c.get("refresh_token_expiration_minutes")}

    def create(self, e):
        s = self.state(e)

        def fn():
            r = self.client.call("POST", "/api/2/api_authorizations", self.body(s), expect=(201,))
            o = self.outcome(r, (201,), notfound=())
            if o == ACK:
                if not isinstance(r.json, dict) or not isinstance(r.json.get("id"), int):
                    self.ctx.v.add("bad create answer", f"POST api_authorizations: {r.raw[:200]!r}")
                    return UNACKED, r
                e.id = r.json["id"]
            return o, r
        self.write(e, "create", s, fn)

    def replace(self, e):
        s = self.state(e)
        self.write(e, "replace", s, lambda: (lambda r: (self.outcome(r, (200,)), r))(
            self.client.call("PUT", f"/api/2/api_authorizations/{e.id}", self.body(s), expect=(200, 404))))

    def delete(self, e):
        self.write(e, "delete", None, lambda: (lambda r: (self.outcome(r, (204,)), r))(
            self.client.call("DELETE", f"/api/2/api_authorizations/{e.id}", expect=(204, 404))))

    def read_server(self, e, purpose="read"):
        if e.id is None:
            r = self.client.call("GET", "/api/2/api_authorizations?name=" + urllib.parse.quote(e.key + ":"),
                                 purpose=purpose)
            if not r.ok(200) or not isinstance(r.json, list):
                return "unknown", None
            hits = [x for x in r.json if str(x.get("name", "")).startswith(e.key + ":")]
            if not hits:
                return "absent", None
            if len(hits) > 1:
                self.ctx.v.add("duplicate rows", f"{len(hits)} servers named {e.key}:*")
            e.id = hits[0]["id"]
        r = self.client.call("GET", f"/api/2/api_authorizations/{e.id}", expect=(200, 404), purpose=purpose)
        if r.ok(404):
            return "absent", None
        if not r.ok(200) or not isinstance(r.json, dict):
            return "unknown", None
        return "present", self.from_json(r.json)

    def step(self, e):
        # settle an open child first: its parent is known to be there
        for c in e.children:
            if c.uncertain:
                self.settle(c)
                return
        r = self.rng.random()
        if r < 0.30:
            self.replace(e)
        elif r < 0.55:
            self.child_step(e, "scope")
        elif r < 0.80:
            self.child_step(e, "claim")
        elif r < 0.90:
            self.delete(e)
        else:
            self.replace(e)

    # --- scopes and claims of a server
    def child_state(self, c):
        c.rev += 1
        n = c.rev
        if c.kind == "scope":
            return {"value": f"{c.key}:v{n}", "description": f"scope rev {n} {self.rng.randrange(10**6)}"}
        values = [f"val{j}-{n}" for j in range(self.rng.randint(0, 3))] or None
        return {"name": f"{c.key}:v{n}", "label": f"Label {n}", "user_attribute_mappings": None,
                "user_attribute_macros": None, "attributes_transformations": None,
                "skip_if_blank": bool(n % 2), "values": values, "default_values": f"d{n}",
                "provisioned_entitlements": None}

    @staticmethod
    def child_body(s):
        return {k: v for k, v in s.items() if v is not None}

    def child_path(self, c):
        return f"/api/2/api_authorizations/{c.parent.id}/{c.kind}s"

    def child_step(self, e, kind):
        live = [c for c in e.children if c.kind == kind and not c.closed and c.belief is not None]
        unsent = [c for c in e.children if c.kind == kind and not c.closed and c.belief is None and not c.uncertain]
        if unsent:
            return self.child_create(unsent[0])
        if len(live) < 2 or self.rng.random() < 0.25:
            n = sum(1 for c in e.children if c.kind == kind)
            c = Entity(kind, f"{e.key}-{kind[:2]}{n}", parent=e)
            e.children.append(c)
            return self.child_create(c)
        c = self.rng.choice(live)
        if self.rng.random() < 0.65:
            s = self.child_state(c)
            self.write(c, "replace", s, lambda: (lambda r: (self.outcome(r, (200,)), r))(
                self.client.call("PUT", f"{self.child_path(c)}/{c.id}", self.child_body(s), expect=(200, 404))))
        else:
            self.write(c, "delete", None, lambda: (lambda r: (self.outcome(r, (204,)), r))(
                self.client.call("DELETE", f"{self.child_path(c)}/{c.id}", expect=(204, 404))))

    def child_create(self, c):
        s = self.child_state(c)

        def fn():
            r = self.client.call("POST", self.child_path(c), self.child_body(s), expect=(200, 404))
            o = self.outcome(r, (200,))
            if o == NOTFOUND:
                self.flag(c.parent, "LOST", f"creating a {c.kind} answered 404 for its server")
                c.parent.belief, c.parent.closed = None, True
                return FAILED, r
            if o == ACK:
                if not isinstance(r.json, dict) or not isinstance(r.json.get("id"), int):
                    self.ctx.v.add("bad create answer", f"POST {c.kind}s: {r.raw[:200]!r}")
                    return UNACKED, r
                c.id = r.json["id"]
            return o, r
        self.write(c, "create", s, fn)

    def read_children(self, e, kind, purpose="read"):
        r = self.client.call("GET", f"/api/2/api_authorizations/{e.id}/{kind}s", expect=(200, 404), purpose=purpose)
        if r.ok(404):
            return "absent", []
        if not r.ok(200) or not isinstance(r.json, list):
            return "unknown", None
        return "present", r.json

    def child_match(self, c, rows):
        field = "value" if c.kind == "scope" else "name"
        if c.id is None:
            hits = [x for x in rows if str(x.get(field, "")).startswith(c.key + ":")]
            if len(hits) > 1:
                self.ctx.v.add("duplicate rows", f"{len(hits)} {c.kind}s named {c.key}:*")
            if not hits:
                return None
            c.id = hits[0]["id"]
        for x in rows:
            if x.get("id") == c.id:
                return {k: v for k, v in x.items() if k != "id"}
        return None

    def read(self, e, purpose="read"):
        if e.kind == "ols":
            return self.read_server(e, purpose)
        found, rows = self.read_children(e.parent, e.kind, purpose)
        if found == "unknown":
            return "unknown", None
        if found == "absent":
            return "absent", None
        s = self.child_match(e, rows)
        return ("present" if s is not None else "absent"), s

    def verify(self):
        for e in self.entities:
            state = self.verify_entity(e)
            if not e.children:
                continue
            if state is None or e.id is None:
                self.ctx.stats.inc("children skipped (server gone)", len(e.children))
                continue
            rows = {}
            for kind in ("scope", "claim"):
                for _ in range(80):
                    found, got = self.read_children(e, kind)
                    if found != "unknown":
                        break
                    time.sleep(0.25)
                rows[kind] = got or []
                for x in rows[kind]:
                    field = "value" if kind == "scope" else "name"
                    if not any(str(x.get(field, "")).startswith(c.key + ":") for c in e.children if c.kind == kind):
                        self.ctx.v.add("unexpected rows", f"{kind} {x} on server {e.key} is in no ledger")
            for c in e.children:
                s = self.child_match(c, rows[c.kind])
                self.verify_entity(c, ("present" if s is not None else "absent", s))


class OneLoginAppWriter(Writer):
    kind = "ola"

    def state(self, e):
        e.rev += 1
        return {"name": f"{e.key}:v{e.rev}", "description": f"app rev {e.rev} {self.rng.randrange(10**6)}"}

    def create(self, e):
        s = self.state(e)

        def fn():
            r = self.client.call("POST", "/api/2/apps", s, expect=(201,))
            o = self.outcome(r, (201,), notfound=())
            if o == ACK:
                j = r.json if isinstance(r.json, dict) else {}
                if not isinstance(j.get("id"), int) or not (j.get("sso") or {}).get("client_secret"):
                    self.ctx.v.add("bad create answer", f"POST /api/2/apps: {r.raw[:200]!r}")
                    return UNACKED, r
                e.id = j["id"]
            return o, r
        self.write(e, "create", s, fn)

    def replace(self, e):
        s = self.state(e)
        self.write(e, "replace", s, lambda: (lambda r: (self.outcome(r, (200,)), r))(
            self.client.call("PUT", f"/api/2/apps/{e.id}", s, expect=(200, 404))))

    def delete(self, e):
        self.write(e, "delete", None, lambda: (lambda r: (self.outcome(r, (204,)), r))(
            self.client.call("DELETE", f"/api/2/apps/{e.id}", expect=(204, 404))))

    def read(self, e, purpose="read"):
        if e.id is None:
            r = self.client.call("GET", "/api/2/apps", purpose=purpose)
            if not r.ok(200) or not isinstance(r.json, list):
                return "unknown", None
            hits = [x for x in r.json if str(x.get("name", "")).startswith(e.key + ":")]
            if not hits and len(r.json) >= 1000:      # the list stops at 1000: ask SQL
                try:
                    rows = self.ctx.stack.psql(f"SELECT id FROM applications WHERE name LIKE '{e.key}:%'")
                except RuntimeError:
                    return "unknown", None
                hits = [{"id": int(x[0])} for x in rows]
            if not hits:
                return "absent", None
            if len(hits) > 1:
                self.ctx.v.add("duplicate rows", f"{len(hits)} apps named {e.key}:*")
            e.id = hits[0]["id"]
        r = self.client.call("GET", f"/api/2/apps/{e.id}", expect=(200, 404), purpose=purpose)
        if r.ok(404):
            return "absent", None
        if not r.ok(200) or not isinstance(r.json, dict):
            return "unknown", None
        return "present", {"name": r.json.get("name"), "description": r.json.get("description")}


class AzureWriter(Writer):
    kind = "az"
    CONST = {"clientRegistrationEndpoint": "https://faults.example.com/register",
             "authorizationEndpoint": "https://faults.example.com/authorize",
             "tokenEndpoint": "https://faults.example.com/token", "clientId": "faults-client"}

    def path(self, e, tail=""):
        return f"{self.ctx.azure_service}/authorizationServers/{e.key}{tail}?{AZ_API}"

    def state(self, e):
        e.rev += 1
        n, rng = e.rev, self.rng
        grants = rng.sample(["authorizationCode", "implicit", "resourceOwnerPassword", "clientCredentials"],
                            rng.randint(1, 3))
        return {"displayName": f"{e.key}:v{n}"[:50], "description": f"az rev {n} {rng.randrange(10**6)}",
                "defaultScope": f"scope{n} read", "grantTypes": grants, "clientSecret": f"secret-{e.key}-{n}"}

    def put_body(self, s):
        p = dict(self.CONST)
        p.update(s)
        return {"properties": p}

    def create(self, e):
        self.put(e, "create")

    def put(self, e, op):
        certain_absent = e.belief is None and not e.uncertain
        s = self.state(e)

        def fn():
            r = self.client.call("PUT", self.path(e), self.put_body(s), expect=(200, 201))
            o = self.outcome(r, (200, 201), notfound=())
            if o == ACK and r.status == 200 and certain_absent:
                self.flag(e, "CHANGED (deleted resource is back)", "PUT replaced a server that should not exist")
            if o == ACK and r.status == 201 and not certain_absent and not e.uncertain:
                self.flag(e, "LOST", "PUT created a server that should have existed")
            return o, r
        self.write(e, op, s, fn)

    def replace(self, e):
        if self.rng.random() < 0.5:
            return self.put(e, "replace")
        s = self.state(e)          # PATCH sets every compared field, so the result is the same
        self.write(e, "patch", s, lambda: (lambda r: (self.outcome(r, (200,)), r))(
            self.client.call("PATCH", self.path(e), {"properties": s}, expect=(200, 404),
                             headers={"If-Match": "*"})))

    def delete(self, e):
        def fn():
            r = self.client.call("DELETE", self.path(e), expect=(200, 204), empty_ok=True, headers={"If-Match": "*"})
            o = self.outcome(r, (200, 204), notfound=())
            if o == ACK and r.status == 204 and not e.uncertain:
                self.flag(e, "LOST", "DELETE found nothing to delete")
            return o, r
        self.write(e, "delete", None, fn)

    def read(self, e, purpose="read"):
        r = self.client.call("GET", self.path(e), expect=(200, 404), purpose=purpose)
        if r.ok(404):
            return "absent", None
        if not r.ok(200) or not isinstance(r.json, dict):
            return "unknown", None
        p = r.json.get("properties") or {}
        for k, v in self.CONST.items():
            if p.get(k) != v:
                self.ctx.v.add("CHANGED", f"az {e.key}: constant {k} is {p.get(k)!r}")
        s = {"displayName": p.get("displayName"), "description": p.get("description"),
             "defaultScope": p.get("defaultScope"), "grantTypes": p.get("grantTypes")}
        r = self.client.call("POST", self.path(e, "/listSecrets"), expect=(200, 404), purpose=purpose)
        if r.ok(404):
            return "unknown", None    # deleted between the two reads: read again
        if not r.ok(200) or not isinstance(r.json, dict):
            return "unknown", None
        s["clientSecret"] = r.json.get("clientSecret")
        return "present", s


class VenafiWriter(Writer):
    kind = "vf"

    def state(self, e):
        e.rev += 1
        n, rng = e.rev, self.rng
        return {"Name": f"{e.key}:v{n}", "Description": f"vf rev {n} {rng.randrange(10**6)}",
                "Scope": rng.choice(VENAFI_SCOPES), "MaximumScope": "admin;certificate:manage",
                "AccessValidity": rng.randint(60, 86400), "GrantValidity": rng.randint(86400, 10**7),
                "Renewable": rng.random() < 0.5, "Vendor": "faults", "Url": f"https://faults.example.com/{n}"}

    def venafi(self, op, body, purpose="write"):
        r = self.client.call("POST", f"/vedsdk/oauth/{op}", body, expect=(200,), purpose=purpose)
        if r.err is not None:
            return (NOTSENT if r.err.startswith("connect") else UNACKED), r, None
        if r.status >= 500:
            return UNACKED, r, None
        if r.status != 200 or not isinstance(r.json, dict):
            return FAILED, r, None
        res = r.json.get("Result")
        if res == 0 and r.json.get("Success") is True:
            return ACK, r, r.json
        if res == 2:
            return NOTFOUND, r, r.json
        self.ctx.v.add("unexpected Venafi Result", f"{op}: {r.raw[:240]!r}")
        return FAILED, r, r.json

    def create(self, e):
        s = self.state(e)
        body = dict(s, ApplicationId=e.key)

        def fn():
            o, r, j = self.venafi("CreateApplication", body)
            if o == NOTFOUND:
                o = FAILED
            return o, r
        self.write(e, "create", s, fn)

    def replace(self, e):
        s = self.state(e)
        self.write(e, "replace", s, lambda: self.venafi("UpdateApplication", {"Application": dict(s, ID=e.key)})[:2])

    def delete(self, e):
        self.write(e, "delete", None, lambda: self.venafi("DeleteApplication", {"ApplicationId": e.key})[:2])

    def read(self, e, purpose="read"):
        o, r, j = self.venafi("GetApplication", {"ApplicationId": e.key}, purpose=purpose)
        if o == NOTFOUND:
            return "absent", None
        if o != ACK:
            return "unknown", None
        a = j.get("Application") or {}
        return "present", {k: a.get(k) for k in ("Name", "Description", "Scope", "MaximumScope", "AccessValidity",
                                                  "GrantValidity", "Renewable", "Vendor", "Url")}


class TokenWriter(Writer):
    """Tokens of the token service: issued (nothing is stored, but the key that signed them
    is, and must outlive every fault) and revoked (a write: the revocation must stay).
    The state is what introspection by another client of the server says."""
    kind = "tok"

    def form(self, path, fields, who):
        data = urllib.parse.urlencode(fields).encode()
        cid, secret = who
        basic = base64.b64encode(f"{cid}:{secret}".encode()).decode()
        return self.client.call("POST", path, data, expect=(200,), empty_ok=path.endswith("/revoke"),
                                headers={"Authorization": f"Basic {basic}",
                                         "Content-Type": "application/x-www-form-urlencoded"})

    def create(self, e):
        t = self.ctx.tokens

        def fn():
            r = self.form(f"/oauth2/{t['server']}/v1/token", {"grant_type": "client_credentials"}, t["client"])
            o = self.outcome(r, (200,), notfound=())
            if o == ACK:
                if not isinstance(r.json, dict) or not isinstance(r.json.get("access_token"), str):
                    self.ctx.v.add("bad token answer", f"POST /v1/token: {r.raw[:200]!r}")
                    return UNACKED, r
                e.token = r.json["access_token"]
            return o, r
        self.write(e, "create", "active", fn)

    def step(self, e):
        if e.belief != "active" or e.frozen:
            e.closed = True           # revoked for good: the next turn takes a new token
            return
        t = self.ctx.tokens
        self.write(e, "revoke", "revoked", lambda: (lambda r: (self.outcome(r, (200,), notfound=()), r))(
            self.form(f"/oauth2/{t['server']}/v1/revoke", {"token": e.token}, t["client"])))

    def read(self, e, purpose="read"):
        if getattr(e, "token", None) is None:
            return "absent", None     # never issued: nothing anywhere to find
        t = self.ctx.tokens
        r = self.form(f"/oauth2/{t['server']}/v1/introspect", {"token": e.token}, t["inspector"])
        if not r.ok(200) or not isinstance(r.json, dict):
            return "unknown", None
        return "present", "active" if r.json.get("active") is True else "revoked"


WRITER_KINDS = [OneLoginServerWriter, AzureWriter, VenafiWriter, OneLoginAppWriter, TokenWriter]


# ------------------------------------------------------------------------------- faults

class Context:
    pass


def wait_ready(client, limit):
    """Seconds until GET /readyz answers 200 (None if not within limit)."""
    t0 = time.monotonic()
    while True:
        r = client.raw_call("GET", "/readyz", timeout=2.0)
        st = client.stats
        with st.lock:
            st.sent["probe"] += 1
            key = str(r.status) if r.err is None else "error"
            st.status_by_purpose[("probe", key)] += 1
        if r.err is None and r.status == 503 and "retry-after" not in r.headers:
            client.v.add("probe 503 without Retry-After", f"/readyz: {r.raw[:200]!r}")
        if r.err is None and r.status not in (200, 502, 503):
            client.v.add(f"probe HTTP {r.status}", f"/readyz: {r.raw[:200]!r}")
        if r.err is None and r.status == 200:
            if not (isinstance(r.json, dict) and r.json.get("status") == "ready"
                    and isinstance(r.json.get("migration"), str) and sorted(r.json) == ["migration", "status"]):
                client.v.add("probe body", f"/readyz 200: {r.raw[:200]!r}")
            return time.monotonic() - t0
        if time.monotonic() - t0 > limit:
            return None
        time.sleep(0.05)


def wait_workers(ctx, gone_pid=None, limit=15.0):
    t0 = time.monotonic()
    while True:
        kids = ctx.stack.children(ctx.supervisor)
        if len(kids) == ctx.stack.workers and gone_pid not in kids:
            return time.monotonic() - t0, kids
        if time.monotonic() - t0 > limit:
            return None, kids
        time.sleep(0.02)


def schedule(args, rng):
    """(seconds from the start, fault). PostgreSQL restarts once of each mode under full load,
    and (unless --no-lull) once of each mode in a lull: the writers pause, PostgreSQL restarts
    under idle workers, and the writers come back at once, as a burst."""
    d = args.duration
    ev = []
    for k in range(args.kills):
        ev.append((d * (k + 0.5) / args.kills + rng.uniform(-0.3, 0.3), "worker-kill"))
    ev.append((d * 0.22, "pg-restart-fast"))
    ev.append((d * 0.42, "pg-restart-immediate"))
    if not args.no_lull:
        ev.append((d * 0.62, "pg-restart-fast+burst"))
        ev.append((d * 0.82, "pg-restart-immediate+burst"))
    for k in range(args.reloads):
        ev.append((d * (0.15 + 0.65 * k / max(1, args.reloads - 1)), "nginx-reload"))
    return sorted((max(0.5, t), kind) for t, kind in ev)


def run_faults(ctx, start):
    try:
        fault_loop(ctx, start)
    except Exception as exc:
        import traceback
        traceback.print_exc()
        ctx.v.add("tool error", f"fault thread: {exc!r}")


def fault_loop(ctx, start):
    probe = Client(ctx.stack, None, ctx.stats, ctx.v, ctx.clock)
    rng = random.Random(ctx.args.seed + 999)
    for i, (at, kind) in enumerate(schedule(ctx.args, rng)):
        while time.monotonic() - start < at:
            time.sleep(0.02)
        label = kind
        rec = {"n": i + 1, "kind": kind, "at": round(time.monotonic() - start, 2)}
        ctx.clock.begin(label)
        t0 = time.monotonic()
        ok = True
        if kind == "worker-kill":
            kids = ctx.stack.children(ctx.supervisor)
            if not kids:
                ctx.v.add("fault not done", f"worker-kill #{i + 1}: supervisor {ctx.supervisor} has no workers")
                ok = False
            else:
                pid = rng.choice(kids)
                rec["pid"] = pid
                ctx.killed.add(pid)
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError as exc:
                    ctx.v.add("fault not done", f"kill {pid}: {exc}")
                    ok = False
        elif kind.startswith("pg-restart"):
            mode = kind.split("+")[0].rsplit("-", 1)[1]
            if kind.endswith("+burst"):
                ctx.quiet.set()
                time.sleep(0.5)          # requests under way finish; the workers sit idle
            out = ctx.stack.pg_restart(mode)
            ctx.quiet.clear()
            if out.returncode != 0:
                ctx.v.add("fault not done", f"pg_ctl restart -m {mode}: rc {out.returncode}: {out.stderr.strip()[:300]}")
                ok = False
        elif kind == "nginx-reload":
            with ctx.clock.lock:
                ctx.clock.reload_windows.append((now() - 0.5, now() + 5.0))
            out = ctx.stack.nginx_reload()
            if out.returncode != 0:
                ctx.v.add("fault not done", f"nginx -s reload: rc {out.returncode}: {out.stderr.strip()[:300]}")
                ok = False
        rec["action_s"] = round(time.monotonic() - t0, 3)
        ready = wait_ready(probe, ctx.args.ready_timeout)
        rec["ready_s"] = None if ready is None else round(ready, 3)
        rec["outage_s"] = None if ready is None else round(time.monotonic() - t0, 3)
        if kind == "worker-kill" and ok:
            respawn, kids = wait_workers(ctx, rec.get("pid"))
            rec["respawn_s"] = None if respawn is None else round(respawn, 3)
            if respawn is None:
                ctx.v.add("workers not back", f"after kill #{i + 1}: {len(kids)} workers, want {ctx.stack.workers}")
        if ok:
            ctx.done[kind] += 1
        if ready is None:
            ctx.v.add("readiness not back", f"{kind} #{i + 1}: /readyz not 200 within {ctx.args.ready_timeout}s")
        elif ready > ctx.args.ready_limit:
            ctx.v.add("readiness slow", f"{kind} #{i + 1}: /readyz 200 after {ready:.2f}s "
                                        f"(limit {ctx.args.ready_limit}s)")
        sup = ctx.stack.supervisor_pid()
        if sup != ctx.supervisor or not os.path.exists(f"/proc/{ctx.supervisor}"):
            ctx.v.add("supervisor changed", f"after {kind} #{i + 1}: pid file says {sup}, was {ctx.supervisor}")
        time.sleep(0.3)
        ctx.clock.end()
        ctx.faults.append(rec)
        extra = f" pid {rec['pid']}" if "pid" in rec else ""
        extra += f", workers back in {rec['respawn_s']}s" if rec.get("respawn_s") is not None else ""
        log(f"fault {i + 1} {kind}{extra}: action {rec['action_s']}s, ready {rec['ready_s']}s after it")


# ------------------------------------------------------------------------------- SQL checks

def sql_checks(ctx, writers):
    stack, v, run = ctx.stack, ctx.v, ctx.run
    like = f"'{run}-%'"
    checks = [
        # not guarded by any constraint: a server is written with its configuration in one statement
        ("servers without a server_configurations row",
         "SELECT s.id, s.name FROM servers s WHERE NOT EXISTS "
         "(SELECT 1 FROM server_configurations c WHERE c.server_id = s.id)"),
        ("OneLogin servers without audiences (run rows)",
         f"SELECT s.id, s.name FROM servers s WHERE s.azure_service_id IS NULL AND s.name LIKE {like} "
         "AND NOT EXISTS (SELECT 1 FROM server_audiences a WHERE a.server_id = s.id)"),
        ("audience positions not 0..n-1 (the unique index on positions was dropped)",
         "SELECT server_id, count(*), count(DISTINCT position), max(position) FROM server_audiences "
         "GROUP BY server_id HAVING count(*) <> count(DISTINCT position) OR max(position) <> count(*) - 1"),
        ("OneLogin servers with an Azure half (run rows)",
         f"SELECT s.id FROM servers s WHERE s.azure_service_id IS NULL AND s.name LIKE {like} AND EXISTS "
         "(SELECT 1 FROM server_secrets x WHERE x.server_id = s.id)"),
        ("Azure servers without grant types or authorization methods (run rows)",
         f"SELECT s.id, s.resource_name FROM servers s WHERE s.azure_service_id IS NOT NULL "
         f"AND s.resource_name LIKE {like} AND (NOT EXISTS (SELECT 1 FROM server_grant_types g WHERE "
         "g.server_id = s.id) OR NOT EXISTS (SELECT 1 FROM server_authorization_methods m WHERE m.server_id = s.id))"),
        ("Azure servers without their client secret (run rows)",
         f"SELECT s.id, s.resource_name FROM servers s WHERE s.azure_service_id IS NOT NULL "
         f"AND s.resource_name LIKE {like} AND NOT EXISTS (SELECT 1 FROM server_secrets x "
         "WHERE x.server_id = s.id AND x.name = 'client_secret')"),
        ("OneLogin apps without a secret (run rows)",
         f"SELECT a.id, a.name FROM applications a WHERE a.name LIKE '{run}-ola%' AND NOT EXISTS "
         "(SELECT 1 FROM application_secrets x WHERE x.application_id = a.id)"),
        ("run servers without their create audit row",
         f"SELECT s.id, s.name FROM servers s WHERE s.name LIKE {like} AND NOT EXISTS (SELECT 1 FROM "
         "audit_events e WHERE e.object_type = 'server' AND e.object_id = s.id::text AND e.action = 'server.create')"),
        ("run applications without their create audit row",
         f"SELECT a.id, a.name FROM applications a WHERE a.name LIKE {like} AND NOT EXISTS (SELECT 1 FROM "
         "audit_events e WHERE e.object_type = 'application' AND e.object_id = a.id::text "
         "AND e.action = 'application.create')"),
    ]
    # rows whose parent is missing: foreign keys make these impossible; checked anyway, cheaply
    fk = [("server_audiences", "server_id", "servers"), ("server_grant_types", "server_id", "servers"),
          ("server_scopes", "server_id", "servers"), ("server_claims", "server_id", "servers"),
          ("server_secrets", "server_id", "servers"), ("server_token_body_parameters", "server_id", "servers"),
          ("server_authorization_methods", "server_id", "servers"),
          ("server_client_authentication_methods", "server_id", "servers"),
          ("server_bearer_token_sending_methods", "server_id", "servers"),
          ("server_configurations", "server_id", "servers"),
          ("server_applications", "server_id", "servers"), ("server_applications", "application_id", "applications"),
          ("application_secrets", "application_id", "applications"), ("grants", "application_id", "applications")]
    for table, col, parent in fk:
        checks.append((f"{table}.{col} without its {parent} row (FK)",
                       f"SELECT t.{col} FROM {table} t WHERE NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.id = t.{col})"))
    checks.append(("server_application_scopes without its link or scope (FK)",
                   "SELECT x.server_id, x.application_id, x.scope_id FROM server_application_scopes x WHERE NOT EXISTS "
                   "(SELECT 1 FROM server_applications l WHERE l.server_id = x.server_id AND l.application_id = "
                   "x.application_id) OR NOT EXISTS (SELECT 1 FROM server_scopes s WHERE s.server_id = x.server_id "
                   "AND s.id = x.scope_id)"))
    checks.append(("servers of a missing Azure service (FK)",
                   "SELECT s.id FROM servers s WHERE s.azure_service_id IS NOT NULL AND NOT EXISTS "
                   "(SELECT 1 FROM azure_services a WHERE a.id = s.azure_service_id)"))
    results = {}
    for name, sql in checks:
        try:
            rows = stack.psql(sql)
        except RuntimeError as exc:
            v.add("SQL check failed", f"{name}: {exc}")
            continue
        results[name] = len(rows)
        if rows:
            v.add("orphan or half-written rows", f"{name}: {len(rows)}, e.g. {rows[0]}")

    # audit rows for acknowledged creates and deletes of resources with known ids
    want = collections.defaultdict(set)
    for w in writers:
        for e in w.entities:
            if e.id is None or e.kind not in ("ols", "ola"):
                continue
            otype, prefix = ("server", "server") if e.kind == "ols" else ("application", "application")
            for op in e.ops:
                if op["outcome"] == ACK and op["op"] in ("create", "delete"):
                    want[(otype, f"{prefix}.{op['op']}")].add(str(e.id))
    missing_audit = 0
    for (otype, action), ids in want.items():
        rows = stack.psql(f"SELECT DISTINCT object_id FROM audit_events WHERE object_type = '{otype}' "
                          f"AND action = '{action}' AND object_id IN ({','.join(repr(i) for i in sorted(ids))})")
        have = {r[0] for r in rows}
        for i in sorted(ids - have):
            missing_audit += 1
            v.add("acknowledged write without audit row", f"{action} {otype} {i}")
    results["acknowledged creates/deletes without audit row"] = missing_audit

    # every run row belongs to a ledger entity, once; SQL and the API agree on what exists
    present = collections.defaultdict(set)
    for w in writers:
        for e in w.entities:
            present[e.kind].add(e.key)
            for c in e.children:
                present[c.kind].add(c.key)
    queries = {
        "ols": f"SELECT split_part(name, ':', 1), count(*) FROM servers WHERE azure_service_id IS NULL "
               f"AND name LIKE {like} GROUP BY 1",
        "az": f"SELECT resource_name, count(*) FROM servers WHERE azure_service_id IS NOT NULL "
              f"AND resource_name LIKE {like} GROUP BY 1",
        "ola": f"SELECT split_part(name, ':', 1), count(*) FROM applications WHERE name LIKE '{run}-ola%' GROUP BY 1",
        "vf": f"SELECT client_id, count(*) FROM applications WHERE client_id LIKE '{run}-vf%' GROUP BY 1",
        "scope": f"SELECT split_part(value, ':', 1), count(*) FROM server_scopes WHERE value LIKE {like} GROUP BY 1",
        "claim": f"SELECT split_part(name, ':', 1), count(*) FROM server_claims WHERE name LIKE {like} GROUP BY 1",
    }
    rows_total = 0
    for kind, sql in queries.items():
        rows = stack.psql(sql)
        for key, n in rows:
            rows_total += int(n)
            if key not in present[kind]:
                v.add("unexpected rows", f"{kind} {key}: {n} row(s) in SQL, in no ledger")
            elif int(n) > 1:
                v.add("duplicate rows", f"{kind} {key}: {n} rows")
            if key not in ctx.final_present.get(kind, set()) and key in present[kind]:
                v.add("API and SQL disagree", f"{kind} {key}: a row in SQL, absent through the API")
        for key in ctx.final_present.get(kind, set()) - {r[0] for r in rows}:
            v.add("API and SQL disagree", f"{kind} {key}: read through the API, no row in SQL")
    results["run rows in SQL"] = rows_total
    return results


# ------------------------------------------------------------------------------- main

def log_offset(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def json_log_line(line):
    """authzd logs one JSON object a line; anything else (the scripts' start banner, a
    sanitizer's report) is not one of its events."""
    try:
        e = json.loads(line)
    except ValueError:
        return None
    return e if isinstance(e, dict) else None


def log_lines_since(path, offset):
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            return f.read().decode("utf-8", "replace").splitlines()
    except OSError:
        return []


def token_setup(setup, run):
    """A server whose tokens the token writers issue and revoke, its client and a second
    client that introspects; its key ring is made here, before the faults begin."""
    def must(r, what):
        if not r.ok(200, 201) or not isinstance(r.json, dict):
            raise SystemExit(f"cannot create the token fixture {what}: {r.status} {r.raw[:200]!r}")
        return r.json
    sid = must(setup.call("POST", "/api/2/api_authorizations", {
        "name": f"tokens {run}", "configuration": {"resource_identifier": f"https://tokens.example.com/{run}",
                                                  "audiences": [f"https://tokens.example.com/{run}"],
                                                  "access_token_expiration_minutes": 1440}},
        expect=(201,), purpose="setup"), "server")["id"]
    scope = must(setup.call("POST", f"/api/2/api_authorizations/{sid}/scopes",
                            {"value": "faults:read", "description": "read"}, expect=(200,), purpose="setup"),
                 "scope")["id"]
    out = {"server": sid}
    for who in ("client", "inspector"):
        app = must(setup.call("POST", "/api/2/apps", {"name": f"tokens {run} {who}"}, expect=(201,),
                              purpose="setup"), who)
        must(setup.call("POST", f"/api/2/api_authorizations/{sid}/clients", {"app_id": app["id"], "scopes": [scope]},
                        expect=(200, 201), purpose="setup"), f"{who} link")
        out[who] = (app["sso"]["client_id"], app["sso"]["client_secret"])
    r = setup.call("GET", f"/oauth2/{sid}/v1/keys", purpose="setup")
    if not r.ok(200):
        raise SystemExit(f"cannot make the token fixture's key ring: {r.status} {r.raw[:200]!r}")
    return out


def get_token(stack):
    c = Client(stack, None, Stats(), Violations(), FaultClock())
    basic = base64.b64encode(f"{stack.credential['client_id']}:{stack.credential['client_secret']}".encode()).decode()
    for attempt in range(20):
        r = c.raw_call("POST", "/auth/oauth2/v2/token", {"grant_type": "client_credentials"},
                       headers={"Authorization": f"Basic {basic}"})
        if r.err is None and r.status < 500:
            break
        log(f"management token: {r.err or r.status} {r.raw[:160]!r}; trying again")
        time.sleep(0.3)
    if r.err or r.status != 200 or not isinstance(r.json, dict):
        raise SystemExit(f"cannot get a management token: {r.err or r.status} {r.raw[:200]!r}")
    return r.json["access_token"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--var", required=True, help="state dir of a running stack (e.g. var/test)")
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of writes under faults (default 60)")
    ap.add_argument("--threads", type=int, default=10, help="writer threads, kinds round robin (default 10)")
    ap.add_argument("--slots", type=int, default=3, help="resources each thread keeps in play (default 3)")
    ap.add_argument("--keepers", type=int, default=2,
                    help="resources each thread creates first and never writes again (default 2)")
    ap.add_argument("--kills", type=int, default=12, help="worker SIGKILLs (default 12; the issue wants >= 10)")
    ap.add_argument("--reloads", type=int, default=3, help="nginx reloads (default 3; the issue wants >= 2)")
    ap.add_argument("--ready-limit", type=float, default=5.0,
                    help="most seconds /readyz may take to answer 200 after a fault (default 5)")
    ap.add_argument("--ready-timeout", type=float, default=30.0, help="give up waiting for /readyz after this")
    ap.add_argument("--readback", type=float, default=0.2,
                    help="share of acknowledged writes read back at once (default 0.2)")
    ap.add_argument("--no-lull", action="store_true",
                    help="restart PostgreSQL only under load (no second fast/immediate restart in a lull)")
    ap.add_argument("--think", type=float, default=0.0, help="seconds each writer sleeps between operations")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--out", help="write the summary as JSON here")
    args = ap.parse_args()
    if args.seed is None:
        args.seed = random.SystemRandom().randrange(10**6)
    wall0 = time.monotonic()

    stack = Stack(args.var)
    ctx = Context()
    ctx.args, ctx.stack = args, stack
    ctx.stats, ctx.v, ctx.clock = Stats(), Violations(), FaultClock()
    ctx.stop, ctx.hard_stop, ctx.quiet = threading.Event(), threading.Event(), threading.Event()
    ctx.done = collections.Counter()
    ctx.faults = []
    ctx.killed = set()
    ctx.final_present = {}
    ctx.run = "f" + format(random.Random(args.seed).randrange(16**6), "06x")
    ctx.supervisor = stack.supervisor_pid()
    if ctx.supervisor is None or not os.path.exists(f"/proc/{ctx.supervisor}"):
        raise SystemExit(f"authzd supervisor not running ({stack.pid_file})")
    workers_at_start = len(stack.children(ctx.supervisor))
    log(f"run {ctx.run} (seed {args.seed}): {stack.url}, supervisor {ctx.supervisor}, "
        f"workers {workers_at_start}/{stack.workers}, {args.threads} writers, {args.duration:.0f}s")
    probe = Client(stack, None, ctx.stats, ctx.v, ctx.clock)
    if wait_ready(probe, 30) is None:
        raise SystemExit("/readyz is not 200 before the run")
    ctx.token = get_token(stack)
    authzd_log0, nginx_log0 = log_offset(stack.authzd_log), log_offset(stack.nginx_error_log)

    # the Azure service all Azure writers share: made by one PUT before the faults begin
    ctx.azure_service = (f"/subscriptions/sub-{ctx.run}/resourceGroups/rg-faults/providers/"
                         f"Microsoft.ApiManagement/service/svc-{ctx.run}")
    setup = Client(stack, ctx.token, ctx.stats, ctx.v, ctx.clock)
    az = AzureWriter(0, ctx.run, ctx, 0)
    boot = Entity("az", f"{ctx.run}-setup")
    r = setup.call("PUT", az.path(boot), az.put_body(az.state(boot)), expect=(201,), purpose="setup")
    if not r.ok(201):
        raise SystemExit(f"cannot create the Azure service: {r.status} {r.raw[:200]!r}")
    setup.call("DELETE", az.path(boot), expect=(200,), empty_ok=True, headers={"If-Match": "*"}, purpose="setup")

    ctx.tokens = token_setup(setup, ctx.run)

    writers = [WRITER_KINDS[i % len(WRITER_KINDS)](i, ctx.run, ctx, args.seed * 100 + i) for i in range(args.threads)]
    start = time.monotonic()
    for w in writers:
        w.start()
    faults = threading.Thread(target=run_faults, args=(ctx, start), name="faults", daemon=True)
    faults.start()
    while time.monotonic() - start < args.duration or faults.is_alive():
        time.sleep(0.1)
    faults.join()
    run_seconds = time.monotonic() - start
    log(f"writes stop ({run_seconds:.1f}s); settling open writes")
    ctx.stop.set()
    hard = threading.Timer(30.0, ctx.hard_stop.set)   # settling reads give up after 30 s
    hard.daemon = True
    hard.start()
    for w in writers:
        w.join(60)
    ctx.hard_stop.set()
    hard.cancel()
    hung = [w.name for w in writers if w.is_alive()]
    if hung:
        ctx.v.add("tool error", f"writers still running: {hung}")

    # ---- after the run
    end_ready = wait_ready(probe, args.ready_timeout)
    if end_ready is None:
        ctx.v.add("readiness not back", f"at the end: /readyz not 200 within {args.ready_timeout}s")
    respawn, kids = wait_workers(ctx)
    workers_end = len(kids)
    if workers_end != stack.workers:
        ctx.v.add("workers not back", f"at the end: {workers_end} workers, config says {stack.workers}")
    sup_end = stack.supervisor_pid()
    if sup_end != ctx.supervisor or not os.path.exists(f"/proc/{ctx.supervisor}"):
        ctx.v.add("supervisor changed", f"pid file {sup_end}, at the start {ctx.supervisor}")

    log("reading every resource back")
    for w in writers:
        w.verify()
    log("SQL checks")
    for w in writers:
        for e in w.entities:
            for x in [e] + e.children:
                if x.final_state is not None:
                    ctx.final_present.setdefault(x.kind, set()).add(x.key)
    try:
        sql = sql_checks(ctx, writers)
    except RuntimeError as exc:
        ctx.v.add("SQL check failed", str(exc))
        sql = {}

    # ---- the figures
    lull = 0 if args.no_lull else 1
    for kind, want in (("worker-kill", args.kills), ("pg-restart-fast", 1), ("pg-restart-immediate", 1),
                       ("pg-restart-fast+burst", lull), ("pg-restart-immediate+burst", lull),
                       ("nginx-reload", args.reloads)):
        if ctx.done[kind] < want:
            ctx.v.add("fault not done", f"{kind}: {ctx.done[kind]} done, {want} planned")
    for w in writers:
        if w.error:
            print(w.error, file=sys.stderr)
    for cls in WRITER_KINDS:
        if any(isinstance(w, cls) for w in writers) and not any(
                ctx.stats.counts[f"acknowledged {cls.kind} {op}"] for op in ("create", "replace", "patch")):
            ctx.v.add("no writes", f"no {cls.kind} write was acknowledged in the whole run")

    st = ctx.stats
    authzd_lines = log_lines_since(stack.authzd_log, authzd_log0)
    log_msgs = collections.Counter()
    authzd_events = [e for e in map(json_log_line, authzd_lines) if e is not None]
    for e in authzd_events:
        if e.get("level") in ("error", "warn"):
            log_msgs[f"{e['level']}: " + re.sub(r"\d+", "N", str(e.get("msg", "")))[:140]] += 1
    deaths = collections.Counter()
    for e in authzd_events:
        line = str(e.get("msg", ""))
        m = re.search(r"supervisor: worker (\d+) (killed by signal|exited with) (\d+)", line)
        if not m:
            continue
        pid, how, code = int(m.group(1)), m.group(2), int(m.group(3))
        if how == "killed by signal" and code == signal.SIGKILL and pid in ctx.killed:
            deaths["killed by this run"] += 1
        else:
            deaths[f"{how} {code}"] += 1
            ctx.v.add("worker died on its own", line.strip()[:300])
    nginx_lines = log_lines_since(stack.nginx_error_log, nginx_log0)
    nginx_msgs = collections.Counter()
    for line in nginx_lines:
        m = re.search(r"\[(error|crit|alert|emerg|warn)\] \d+#\d+: (?:\*\d+ )?([^,]*)", line)
        if m:
            nginx_msgs[f"{m.group(1)}: " + re.sub(r"\d+", "N", m.group(2))[:120]] += 1

    readies = [f["ready_s"] for f in ctx.faults if f.get("ready_s") is not None]
    by_kind_ready = {}
    for f in ctx.faults:
        if f.get("ready_s") is not None:
            by_kind_ready[f["kind"]] = max(by_kind_ready.get(f["kind"], 0), f["ready_s"])
    outages = [f["outage_s"] for f in ctx.faults if f.get("outage_s") is not None]
    respawns = [f["respawn_s"] for f in ctx.faults if f.get("respawn_s") is not None]
    status = dict(sorted(st.status.items()))
    summary = {
        "run": ctx.run, "seed": args.seed, "stack": stack.url, "passed": ctx.v.count() == 0,
        "duration_s": round(run_seconds, 1), "wall_clock_s": None,
        "writer_threads": args.threads,
        "requests_sent": sum(st.sent.values()), "requests_by_purpose": dict(st.sent),
        "writes_sent": st.counts["writes sent"], "writes_acknowledged": st.counts["writes acknowledged"],
        "writes_unacknowledged": st.counts["writes unacknowledged"],
        "unacknowledged_found_committed": st.counts["unacknowledged writes found committed"],
        "unacknowledged_found_not_committed": st.counts["unacknowledged writes found not committed"],
        "writes_refused": st.counts["writes refused"],
        "acknowledged_by_kind": {k[len("acknowledged "):]: n for k, n in sorted(st.counts.items())
                                 if k.startswith("acknowledged ")},
        "writes_verified": st.counts["writes verified by read-back"] + st.counts["writes verified at the end"],
        "writes_verified_by_readback": st.counts["writes verified by read-back"],
        "writes_verified_at_end": st.counts["writes verified at the end"],
        "resources_verified": st.counts["resources verified"],
        "resources_matching": st.counts["resources matching the ledger"],
        "keepers_verified": st.counts["keepers verified"],
        "children_skipped_server_gone": st.counts["children skipped (server gone)"],
        "lost_or_changed": st.counts["lost or changed (mid-run)"] + st.counts["lost or changed (at the end)"],
        "responses_by_status": status,
        "fivexx": dict(st.fivexx),
        "fivexx_by_fault": {f"{a} during {b}": n for (a, b), n in sorted(st.fivexx_by_fault.items())},
        "fivexx_by_route": {f"{a} on {b}": n for (a, b), n in sorted(st.fivexx_by_route.items())},
        "bodies_502_content_type": dict(st.bodies_502),
        "connection_errors": {f"{a} ({b})": n for (a, b), n in st.conn_errors.items()},
        "probe_responses": {k[1]: n for k, n in st.status_by_purpose.items() if k[0] == "probe"},
        "worker_kills": ctx.done["worker-kill"],
        "pg_restarts": {"fast": ctx.done["pg-restart-fast"] + ctx.done["pg-restart-fast+burst"],
                        "immediate": ctx.done["pg-restart-immediate"] + ctx.done["pg-restart-immediate+burst"],
                        "of them in a lull then a burst": ctx.done["pg-restart-fast+burst"]
                        + ctx.done["pg-restart-immediate+burst"]},
        "nginx_reloads": ctx.done["nginx-reload"],
        "max_ready_s": max(readies) if readies else None,
        "max_ready_s_by_fault": by_kind_ready,
        "max_outage_s": max(outages) if outages else None,
        "max_worker_respawn_s": max(respawns) if respawns else None,
        "ready_at_end_s": None if end_ready is None else round(end_ready, 3),
        "workers": {"config": stack.workers, "at_start": workers_at_start, "at_end": workers_end},
        "supervisor": {"at_start": ctx.supervisor, "at_end": sup_end},
        "sql_checks": sql,
        "worker_deaths_in_log": dict(deaths),
        "authzd_log_warn_error": dict(log_msgs.most_common(10)),
        "nginx_error_log": dict(nginx_msgs.most_common(6)),
        "faults": ctx.faults,
        "violations": ctx.v.count(),
        "violation_categories": {k: {"count": c[0], "example": c[1]} for k, c in ctx.v.categories.items()},
        "violation_list": ctx.v.items[:200],
    }
    summary["wall_clock_s"] = round(time.monotonic() - wall0, 1)
    summary["headline"] = (
        f"{summary['writes_acknowledged']} acknowledged writes, {summary['lost_or_changed']} lost or changed, "
        f"{summary['worker_kills']} worker kills, PostgreSQL restarts {summary['pg_restarts']['fast']} fast + "
        f"{summary['pg_restarts']['immediate']} immediate, {summary['nginx_reloads']} nginx reloads, "
        f"ready within {summary['max_ready_s']}s, workers {workers_end}/{stack.workers}, "
        f"{summary['violations']} violations")
    print_summary(summary, ctx)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(summary, f, indent=2)
            f.write("\n")
    return 0 if summary["passed"] else 1


def print_summary(s, ctx):
    p = print
    p("")
    p("================ authzd fault-injection run ================")
    p(f"run {s['run']} (seed {s['seed']}) against {s['stack']}")
    p(f"duration               {s['duration_s']} s of writes under faults ({s['writer_threads']} writer threads); "
      f"wall clock {s['wall_clock_s']} s")
    p(f"requests sent          {s['requests_sent']}  " +
      ", ".join(f"{k} {n}" for k, n in sorted(s['requests_by_purpose'].items())))
    p(f"writes                 {s['writes_sent']} sent, {s['writes_acknowledged']} acknowledged, "
      f"{s['writes_unacknowledged']} unacknowledged ({s['unacknowledged_found_committed']} found committed, "
      f"{s['unacknowledged_found_not_committed']} not), {s['writes_refused']} refused")
    p("  acknowledged by kind " + ", ".join(f"{k} {n}" for k, n in s["acknowledged_by_kind"].items()))
    p(f"writes verified        {s['writes_verified']} ({s['writes_verified_by_readback']} read back at once, "
      f"{s['writes_verified_at_end']} as the final state)")
    p(f"resources verified     {s['resources_verified']} ({s['resources_matching']} match the ledger; "
      f"{s['keepers_verified']} untouched since the start; {s['children_skipped_server_gone']} scopes/claims "
      f"of deleted servers left to SQL)")
    p(f"LOST or CHANGED        {s['lost_or_changed']}   (must be 0)")
    p("responses by status    " + ", ".join(f"{k}: {n}" for k, n in s["responses_by_status"].items()))
    p("  5xx                  " + (", ".join(f"{k}: {n}" for k, n in sorted(s["fivexx"].items())) or "none"))
    for k, n in s["fivexx_by_fault"].items():
        p(f"    {k}: {n}")
    for k, n in s["fivexx_by_route"].items():
        if not k.startswith("503 with"):
            p(f"    {k}: {n}")
    if s["bodies_502_content_type"]:
        p("  502 bodies (nginx)   " + ", ".join(f"{k}: {n}" for k, n in s["bodies_502_content_type"].items()))
    p("  connection errors    " + (", ".join(f"{k}: {n}" for k, n in s["connection_errors"].items()) or "none"))
    p("  /readyz probes       " + ", ".join(f"{k}: {n}" for k, n in sorted(s["probe_responses"].items())))
    p(f"worker kills           {s['worker_kills']} (SIGKILL); workers back to N within "
      f"{s['max_worker_respawn_s']} s at most")
    p(f"PostgreSQL restarts    fast {s['pg_restarts']['fast']}, immediate {s['pg_restarts']['immediate']} "
      f"({s['pg_restarts']['of them in a lull then a burst']} of them with idle workers, then a burst of writes)")
    p(f"nginx reloads          {s['nginx_reloads']}")
    p(f"max s to readiness     {s['max_ready_s']} after a fault action ended (limit {ctx.args.ready_limit}); "
      "by fault: " + ", ".join(f"{k} {v}" for k, v in sorted(s["max_ready_s_by_fault"].items())))
    p(f"max outage             {s['max_outage_s']} s from a fault's start to /readyz 200")
    p(f"workers at the end     {s['workers']['at_end']} of N={s['workers']['config']} "
      f"(at the start {s['workers']['at_start']}); supervisor {s['supervisor']['at_start']} -> "
      f"{s['supervisor']['at_end']}")
    bad_sql = {k: n for k, n in s["sql_checks"].items() if n and k != "run rows in SQL"}
    p(f"SQL checks             {len(s['sql_checks'])} run, {len(bad_sql)} failing; run rows in SQL "
      f"{s['sql_checks'].get('run rows in SQL')}")
    if s["authzd_log_warn_error"]:
        p("authzd.log warn/error during the run:")
        for k, n in s["authzd_log_warn_error"].items():
            p(f"    {n:5d}  {k}")
    p("worker deaths in log   " + (", ".join(f"{k}: {n}" for k, n in s["worker_deaths_in_log"].items()) or "none"))
    if s["nginx_error_log"]:
        p("nginx-error.log during the run:")
        for k, n in s["nginx_error_log"].items():
            p(f"    {n:5d}  {k}")
    p("--------------------------------------------------------------")
    if s["passed"]:
        p("PASS: every assertion holds")
    else:
        p(f"FAIL: {s['violations']} violation(s) in {len(s['violation_categories'])} categories")
        for k, c in s["violation_categories"].items():
            p(f"  {c['count']:5d}  {k}  e.g. {c['example'][:300]}")
        p("first violations:")
        for line in s["violation_list"][:20]:
            p(f"  - {line[:400]}")
    p("==============================================================")


if __name__ == "__main__":
    sys.exit(main())
