#!/usr/bin/env python3
"""Zero-downtime reload against a running authzd stack (Python standard library only).

Load threads send GETs and POSTs through nginx (keep-alive connections: a server, its JWKS,
/readyz, management tokens and new scopes) the whole time while the run sends the supervisor
SIGHUP:

  1. three reloads of an unchanged config: each replaces every worker (no worker pid stays,
     the count is back to N, the supervisor is the same);
  2. token_jwks_max_age changed in the file: after the reload every answer carries the new
     Cache-Control max-age;
  3. a broken file (an unknown key): the reload is refused, the log says why, the same
     workers keep serving with the running value;
  4. the socket changed (a restart-only key): the log says it needs a restart, the workers
     are replaced and still listen where nginx sends them;
  5. logrotate: the log file moved away, SIGHUP, a fresh file holds the reload's lines;
  6. the original file back.

Asserted: not one non-2xx answer or connection error among the load's requests (and enough
requests that this means something); every step above; `authzd --check-config` exit 0 on
the good file and 1 with the reason on the broken one. The config file is restored at the
end whatever happens.

    python3 tests/reload/run_reload.py --var var/test --authzd build/src/authzd
"""
import argparse
import base64
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse

sys.dont_write_bytecode = True     # importing run_faults leaves no __pycache__ in tests/faults
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "faults"))
from run_faults import Stack  # noqa: E402  (the stack's files, pids and credential)

T0 = time.monotonic()
STEP_SECONDS = 60          # a reload of 8 workers takes about a second; this is a bound


def log(msg):
    print(f"[{time.monotonic() - T0:5.1f}s] {msg}", file=sys.stderr, flush=True)


class Failures:
    def __init__(self):
        self.lock = threading.Lock()
        self.items = []

    def add(self, msg):
        with self.lock:
            self.items.append(msg)
        log("FAIL: " + msg)


class Conn:
    """One keep-alive connection to nginx; a request that fails is reported, then a new
    connection is made."""

    def __init__(self, url):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port or 80
        self.c = None

    def call(self, method, path, body=None, headers=None):
        h = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        if self.c is None:
            self.c = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            self.c.request(method, path, body=data, headers=h)
            r = self.c.getresponse()
            raw = r.read()
            if r.getheader("Connection", "").lower() == "close":
                self.close()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, raw
        except (OSError, http.client.HTTPException) as e:
            self.close()
            return None, {}, f"{type(e).__name__}: {e}".encode()

    def close(self):
        if self.c is not None:
            self.c.close()
            self.c = None


def management_token(stack):
    cred = stack.credential
    basic = base64.b64encode(f"{cred['client_id']}:{cred['client_secret']}".encode()).decode()
    st, _, raw = Conn(stack.url).call("POST", "/auth/oauth2/v2/token", {"grant_type": "client_credentials"},
                                      {"Authorization": f"Basic {basic}"})
    if st != 200:
        raise SystemExit(f"cannot get a management token: {st} {raw[:200]!r}")
    return basic, json.loads(raw)["access_token"]


class Load:
    def __init__(self, stack, basic, token, sid, threads, failures):
        self.stack, self.basic, self.token, self.sid = stack, basic, token, sid
        self.failures = failures
        self.stop = threading.Event()
        self.count = 0
        self.statuses = {}
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, args=(i,), daemon=True) for i in range(threads)]

    def requests(self, i, n):
        bearer = {"Authorization": f"Bearer {self.token}"}
        k = n % 5
        if k == 0:
            return "GET", f"/api/2/api_authorizations/{self.sid}", None, bearer
        if k == 1:
            return "GET", f"/oauth2/{self.sid}/v1/keys", None, {}
        if k == 2:
            return "POST", "/auth/oauth2/v2/token", {"grant_type": "client_credentials"}, \
                {"Authorization": f"Basic {self.basic}"}
        if k == 3:
            return "POST", f"/api/2/api_authorizations/{self.sid}/scopes", \
                {"value": f"reload:{i}:{n}", "description": "made under a reload"}, bearer
        return "GET", "/readyz", None, {}

    def run(self, i):
        conn, n = Conn(self.stack.url), 0
        while not self.stop.is_set():
            method, path, body, headers = self.requests(i, n)
            st, _, raw = conn.call(method, path, body, headers)
            n += 1
            with self.lock:
                self.count += 1
                self.statuses[st] = self.statuses.get(st, 0) + 1
            if st is None or not 200 <= st < 300:
                self.failures.add(f"{method} {path}: {st} {raw[:160]!r}")
        conn.close()

    def start(self):
        for t in self.threads:
            t.start()

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join(60)


class Run:
    def __init__(self, args):
        self.stack = Stack(args.var)
        self.args = args
        self.f = Failures()
        self.sup = self.stack.supervisor_pid()
        if not self.sup:
            raise SystemExit(f"no supervisor pid in {self.stack.pid_file}")
        with open(self.stack.config_file) as fh:
            self.original = fh.read()
        self.n = self.stack.workers

    def check(self, ok, msg):
        if not ok:
            self.f.add(msg)
        return ok

    def workers(self):
        return sorted(self.stack.children(self.sup))

    def log_text(self, mark):
        """What the authzd log holds since mark (inode, offset); a new inode: all of it."""
        path = self.stack.authzd_log
        try:
            st = os.stat(path)
        except OSError:
            return ""
        start = mark[1] if st.st_ino == mark[0] else 0
        with open(path, "rb") as fh:
            fh.seek(start)
            return fh.read().decode("utf-8", "replace")

    def log_mark(self):
        try:
            st = os.stat(self.stack.authzd_log)
        except OSError:            # moved away (logrotate): whatever comes is new
            return (None, 0)
        return (st.st_ino, st.st_size)

    def write_config(self, text):
        tmp = self.stack.config_file + ".reload-tmp"
        with open(tmp, "w") as fh:
            fh.write(text)
        os.replace(tmp, self.stack.config_file)

    def hup(self, label, expect=r"supervisor: reloaded; "):
        """SIGHUP and wait for the log line that ends the reload; returns what it logged."""
        before = self.workers()
        mark = self.log_mark()
        log(f"SIGHUP: {label}")
        os.kill(self.sup, signal.SIGHUP)
        deadline = time.monotonic() + STEP_SECONDS
        text = ""
        while time.monotonic() < deadline:
            text = self.log_text(mark)
            if re.search(expect, text) or re.search(r"reload (refused|failed)", text):
                break
            time.sleep(0.1)
        self.check(re.search(expect, text), f"{label}: no /{expect}/ in the log within {STEP_SECONDS}s: {text[-400:]!r}")
        self.check(self.stack.supervisor_pid() == self.sup and self.sup in self.alive_pids(),
                   f"{label}: the supervisor changed")
        return before, self.workers(), text

    @staticmethod
    def alive_pids():
        return {int(p) for p in os.listdir("/proc") if p.isdigit()}

    def max_age(self, sid, label, want):
        conn, seen = Conn(self.stack.url), set()
        for _ in range(3 * self.n):
            st, h, raw = conn.call("GET", f"/oauth2/{sid}/v1/keys")
            self.check(st == 200, f"{label}: JWKS {st} {raw[:120]!r}")
            m = re.search(r"max-age=(\d+)", h.get("cache-control", ""))
            seen.add(int(m.group(1)) if m else None)
            conn.close()            # a new connection each time: nginx spreads them over the workers
        self.check(seen == {want}, f"{label}: Cache-Control max-age {sorted(seen, key=str)}, want only {want}")

    def check_config(self, path, want_rc, want_text):
        p = subprocess.run([self.args.authzd, "--check-config", path], capture_output=True, text=True)
        out = p.stdout + p.stderr
        self.check(p.returncode == want_rc and want_text in out,
                   f"authzd --check-config {path}: exit {p.returncode}, {out.strip()!r}; want {want_rc}, {want_text!r}")

    def main(self):
        cfg = self.stack.config
        basic, token = management_token(self.stack)
        c = Conn(self.stack.url)
        st, _, raw = c.call("POST", "/api/2/api_authorizations", {
            "name": "reload test", "configuration": {"resource_identifier": "https://reload.example.com",
                                                     "audiences": ["https://reload.example.com"]}},
            {"Authorization": f"Bearer {token}"})
        if st != 201:
            raise SystemExit(f"cannot create the test server: {st} {raw[:200]!r}")
        sid = json.loads(raw)["id"]
        base_age = int(cfg.get("token_jwks_max_age", os.environ.get("AUTHZD_TOKEN_JWKS_MAX_AGE", "300")))
        self.max_age(sid, "before", base_age)
        start_workers = self.workers()
        self.check(len(start_workers) == self.n, f"{len(start_workers)} workers at the start, want {self.n}")

        load = Load(self.stack, basic, token, sid, self.args.threads, self.f)
        load.start()
        time.sleep(1.0)
        try:
            for i in range(self.args.reloads):
                before, after, _ = self.hup(f"reload {i + 1} of an unchanged config")
                self.check(len(after) == self.n, f"reload {i + 1}: {len(after)} workers, want {self.n}")
                self.check(not set(before) & set(after), f"reload {i + 1}: workers {sorted(set(before) & set(after))} "
                                                         f"were not replaced")
                time.sleep(0.5)

            changed = re.sub(r"(?m)^token_jwks_max_age\s*=.*\n?", "", self.original).rstrip("\n") + \
                "\ntoken_jwks_max_age = 123\n"
            self.write_config(changed)
            self.check_config(self.stack.config_file, 0, "configuration OK")
            before, after, _ = self.hup("token_jwks_max_age = 123")
            self.check(not set(before) & set(after) and len(after) == self.n, "max-age reload: workers not all replaced")
            self.max_age(sid, "after the reload", 123)

            self.write_config(changed + "reload_test_no_such_key = 1\n")
            self.check_config(self.stack.config_file, 1, "unknown configuration key 'reload_test_no_such_key'")
            before, after, text = self.hup("a broken config", expect=r"reload refused")
            self.check("unknown configuration key 'reload_test_no_such_key'" in text,
                       f"broken config: the log does not say why: {text[-300:]!r}")
            self.check(before == after, f"broken config: workers {before} became {after}")
            time.sleep(0.5)
            self.max_age(sid, "after the refused reload", 123)

            moved = re.sub(r"(?m)^socket\s*=.*$", "socket = /tmp/authzd-reload-test-elsewhere.sock", changed)
            self.write_config(moved)
            before, after, text = self.hup("the socket changed")
            self.check(re.search(r"socket changed: that needs a restart", text),
                       f"socket change: the log does not say it needs a restart: {text[-300:]!r}")
            self.check(not set(before) & set(after) and len(after) == self.n, "socket change: workers not replaced")
            self.check(not os.path.exists("/tmp/authzd-reload-test-elsewhere.sock"), "socket change: a new socket")

            rotated = self.stack.authzd_log + ".1"
            os.replace(self.stack.authzd_log, rotated)
            _, after, text = self.hup("logrotate moved the log away")
            self.check(os.path.exists(self.stack.authzd_log) and "SIGHUP: reloading" in text,
                       f"logrotate: no fresh {self.stack.authzd_log} with the reload in it")
        finally:
            self.write_config(self.original)
        _, after, _ = self.hup("the original config back")
        self.max_age(sid, "original config", base_age)
        time.sleep(1.0)
        load.finish()
        end_workers = self.workers()
        self.check(len(end_workers) == self.n, f"{len(end_workers)} workers at the end, want {self.n}")
        self.check(not set(start_workers) & set(end_workers), "a worker of the start survived every reload")
        self.check(load.count >= 200, f"only {load.count} requests under load")
        bad = sum(n for s, n in load.statuses.items() if s is None or not 200 <= s < 300)
        summary = (f"reload: {self.args.reloads + 4} SIGHUPs (1 refused) under {self.args.threads} threads of load, "
                   f"{load.count} requests, {bad} non-2xx or connection errors, {len(self.f.items)} failures")
        print(summary)
        for item in self.f.items[:20]:
            print(f"  - {item[:300]}")
        return 0 if not self.f.items else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--var", required=True, help="the stack's state directory (var/test)")
    ap.add_argument("--authzd", required=True, help="the authzd binary (for --check-config)")
    ap.add_argument("--threads", type=int, default=6)
    ap.add_argument("--reloads", type=int, default=3)
    return Run(ap.parse_args()).main()


if __name__ == "__main__":
    sys.exit(main())
