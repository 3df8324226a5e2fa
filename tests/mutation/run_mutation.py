#!/usr/bin/env python3
"""tests/mutation/run_mutation.py: an HTTP-level mutation run against a live authzd stack.

It creates a few real objects (a OneLogin server with a scope and a claim, an app linked to
it as a client, an Azure service and server, a Venafi application, and with --authzctl a
Venafi identity and its token), sends every route of src/routes.c once as a valid seed, then
a fixed list of wire-level probes (malformed request lines, bad headers and framing, odd
methods, overlong URIs, ...), then randomly mutated seeds (paths, query strings, headers,
bodies, methods, framing) until --duration or --requests runs out. Most traffic goes over raw
sockets (plain and TLS), so it can send what urllib refuses.

The oracle, for every response:
  * no 5xx, except a 503 with Retry-After (database down: counted, not a violation);
  * a non-empty body, and every error (>= 400), is valid JSON (UTF-8, no NaN) served with a
    JSON Content-Type; an error body has the shape of the path's dialect (OneLogin
    {message,statusCode,name}, /auth {status:{...}}, Azure {error:{code,message}}, Venafi
    {error,error_description}, else {message,statusCode});
  * 204 and HEAD responses have no body (a HEAD error still says JSON in its Content-Type);
  * every complete request gets a complete response in time.
The supervisor's children are listed before, during (twice a second) and after the run: a
worker that disappears is a violation, and so is a "killed by signal" / "exited with" line
that authzd logged during the run.

Violations are grouped by (status, kind, route or prefix); each group keeps its first few
examples (the exact request bytes and the response, truncated) and which mutations led there.
Exit status: 0 no violation, 1 violations, 2 the run could not be set up.

  python3 tests/mutation/run_mutation.py --var var/test [--duration 30] [--requests N]
      [--seed N] [--out summary.json] [--concurrency 3] [--authzctl build/src/authzctl]
      [--replay CASE ...]

Every case is generated from random.Random("<seed>/<case number>"), so a seed fixes the
whole sequence (threads only change the interleaving); --replay CASE sends just that case
against fresh fixtures and prints it in full. Python 3 standard library only."""
import argparse
import base64
import collections
import json
import os
import random
import re
import shlex
import socket
import ssl
import subprocess
import sys
import threading
import time
import traceback

API_VERSION = b"2022-08-01"
NOBODY = object()          # a request without a body
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 15.0        # a complete request answered later than this is a "timeout"
GRACE = 0.25               # after a complete response: wait this long for stray bytes


# ---------------------------------------------------------------- the route table (src/routes.c)

ROUTES = [
    ("GET HEAD", "/healthz"), ("GET HEAD", "/readyz"),
    ("POST", "/auth/oauth2/v2/token"), ("POST", "/auth/oauth2/revoke"),
    ("GET POST", "/api/2/api_authorizations"),
    ("GET PUT DELETE", "/api/2/api_authorizations/:id"),
    ("GET POST", "/api/2/api_authorizations/:id/scopes"),
    ("PUT DELETE", "/api/2/api_authorizations/:id/scopes/:scope_id"),
    ("GET POST", "/api/2/api_authorizations/:id/claims"),
    ("PUT DELETE", "/api/2/api_authorizations/:id/claims/:claim_id"),
    ("GET POST", "/api/2/api_authorizations/:id/clients"),
    ("PUT DELETE", "/api/2/api_authorizations/:id/clients/:client_app_id"),
    ("GET POST", "/api/2/apps"), ("GET PUT DELETE", "/api/2/apps/:id"),
    ("GET", "/subscriptions/:sub/resourceGroups/:rg/providers/Microsoft.ApiManagement/service/:svc"
            "/authorizationServers"),
    ("GET HEAD PUT PATCH DELETE", "/subscriptions/:sub/resourceGroups/:rg/providers/Microsoft.ApiManagement"
                                  "/service/:svc/authorizationServers/:name"),
    ("POST", "/subscriptions/:sub/resourceGroups/:rg/providers/Microsoft.ApiManagement/service/:svc"
             "/authorizationServers/:name/listSecrets"),
    ("POST", "/vedsdk/oauth/:operation"),
    ("POST", "/vedauth/authorize/oauth"), ("POST", "/vedauth/authorize/token"),
    ("GET", "/vedauth/authorize/verify"), ("GET", "/vedauth/revoke/token"),
    ("POST", "/oauth2/:id/v1/token"), ("GET HEAD", "/oauth2/:id/v1/keys"),
    ("POST", "/oauth2/:id/v1/introspect"), ("POST", "/oauth2/:id/v1/revoke"),
    ("GET HEAD", "/.well-known/oauth-authorization-server/oauth2/:id"),
    ("GET HEAD", "/oauth2/:id/.well-known/oauth-authorization-server"),
    ("GET HEAD", "/oauth2/:id/.well-known/openid-configuration"),
    ("POST", "/oidc/2/token"), ("GET HEAD", "/oidc/2/certs"), ("POST", "/oidc/2/token/introspection"),
    ("POST", "/oidc/2/token/revocation"), ("GET HEAD", "/.well-known/oauth-authorization-server/oidc/2"),
    ("GET HEAD", "/oidc/2/.well-known/oauth-authorization-server"),
    ("GET HEAD", "/oidc/2/.well-known/openid-configuration"),
]
ROUTE_SEGS = [(set(m.split()), p, [None if s.startswith(":") else s.lower() for s in p[1:].split("/")])
              for m, p in ROUTES]
PREFIXES = [("/api/", "onelogin"), ("/auth/", "onelogin_status"), ("/subscriptions/", "azure"),
            ("/vedsdk/", "venafi"), ("/vedauth/", "venafi"), ("/oauth2/", "oauth"), ("/oidc/", "oauth"),
            ("/.well-known/", "oauth")]


def short_pattern(p):
    return p.replace("/resourceGroups/:rg/providers/Microsoft.ApiManagement/service/:svc", "/…/:svc")


def split_target(target):
    """The path the application sees (REQUEST_URI up to '?'): absolute-form loses its origin."""
    t = target.split(b"?", 1)[0]
    m = re.match(rb"^[A-Za-z][A-Za-z0-9+.-]*://[^/]*", t)
    if m:
        t = t[m.end():] or b"/"
    return t.decode("latin-1")


def route_label(method, path):
    """Like src/http/router.c: literal segments case-insensitive, a trailing slash ignored."""
    if not path.startswith("/"):
        return "(no path)"
    segs = path[1:].split("/")
    if segs and segs[-1] == "":
        segs.pop()
    if any(s == "" for s in segs) or len(segs) > 16:
        return "no route under " + prefix_of(path)
    methods = set()
    for ms, pattern, want in ROUTE_SEGS:
        if len(want) == len(segs) and all(w is None or w == s.lower() for w, s in zip(want, segs)):
            if method in ms:
                return f"{method} {short_pattern(pattern)}"
            methods.add(short_pattern(pattern))
    if methods:
        return f"{method} {sorted(methods)[0]} (not allowed)"
    return "no route under " + prefix_of(path)


def prefix_of(path):
    low = path.lower()
    for p, _ in PREFIXES:
        if low.startswith(p):
            return p
    return "/"


def dialect_of(path):
    low = path.lower()
    for p, d in PREFIXES:
        if low.startswith(p):
            return d
    return "plain"


def error_shape_ok(dialect, status, body):
    """Does a JSON error body have its dialect's shape (src/dialect/*.c)?"""
    def s(o, k):
        return isinstance(o, dict) and isinstance(o.get(k), str)
    if dialect == "onelogin":
        return s(body, "message") and s(body, "name") and body.get("statusCode") == status
    if dialect == "plain":
        return s(body, "message") and body.get("statusCode") == status
    if dialect == "onelogin_status":
        st = body.get("status") if isinstance(body, dict) else None
        return (isinstance(st, dict) and st.get("error") is True and st.get("code") == status
                and s(st, "type") and s(st, "message"))
    if dialect == "azure":
        e = body.get("error") if isinstance(body, dict) else None
        return s(e, "code") and s(e, "message")
    if dialect in ("venafi", "oauth"):
        return s(body, "error") and s(body, "error_description")
    return True


# ---------------------------------------------------------------- the wire

class Req:
    """One HTTP request, kept in parts so that mutations can work on any of them."""

    def __init__(self, method, segs, params=None, query=None, headers=None, body=NOBODY):
        self.method = method            # bytes
        self.segs = segs                # path segments, bytes, already escaped
        self.params = params or {}      # segment index -> kind of parameter ("ol_id", "az_name", ...)
        self.query = query              # list of bytes "name=value" items, or None
        self.headers = headers or []    # [name, value] bytes
        self.body = body                # JSON-able object, NOBODY, or Raw(bytes)
        self.form = None                # list of [name, value] for a form body
        self.version = b"HTTP/1.1"
        self.target = None              # bytes: the whole request target instead of segs + query
        self.line_end = b"\r\n"
        self.prefix = b""               # bytes before the request line
        self.raw = None                 # bytes: the whole request, sent as is
        self.tls = False
        self.cl = None                  # body length -> Content-Length values (default: the length)
        self.chunked = None             # None, or how to chunk ("good", "ext", "trailer", ...)
        self.incomplete = False         # the request is cut short on purpose (we half-close)
        self.host = True
        self.close = True
        self.locked = False             # carries the admin credential: never touch Authorization
        self.protect = ()               # JSON fields not to mutate
        self.placeholders = {}          # "@@RAWn@@" -> bytes, spliced into the dumped JSON
        self.victim = False             # the target may be deleted
        self.seed = ""                  # "METHOD pattern" of the seed
        self.tags = []
        self.expect = (200, 299)        # what the unmutated seed must answer

    def header(self, name):
        for n, v in self.headers:
            if n is not None and n.lower() == name.lower():
                return v
        return None

    def set_header(self, name, value):
        self.drop_header(name)
        if value is not None:
            self.headers.append([name, value])

    def drop_header(self, name):
        self.headers = [h for h in self.headers if h[0] is None or h[0].lower() != name.lower()]

    def request_target(self):
        if self.target is not None:
            return self.target
        t = b"/" + b"/".join(self.segs)
        if self.query is not None:
            t += b"?" + b"&".join(self.query)
        return t

    def body_bytes(self):
        if self.body is NOBODY:
            if self.form is not None:
                return b"&".join(n + b"=" + v for n, v in self.form)
            return None
        if isinstance(self.body, Raw):
            return self.body.data
        out = json.dumps(self.body, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "surrogatepass")
        for k, v in self.placeholders.items():
            # only the first copy (a long array may repeat it): the others stay plain strings
            out = out.replace(b'"' + k.encode() + b'"', v, 1)
        return out[:BODY_CAP]

    def to_bytes(self, host):
        if self.raw is not None:
            return self.raw
        eol = self.line_end
        body = self.body_bytes()
        heads = []
        if self.host:
            heads.append(b"Host: " + host)
        heads += [n + b": " + v if n is not None else v for n, v in self.headers]
        if self.close:
            heads.append(b"Connection: close")
        if body is not None:
            cls = self.cl(len(body)) if self.cl is not None else [] if self.chunked else [b"%d" % len(body)]
            heads += [b"Content-Length: " + v for v in cls]
            if self.chunked is not None:
                body = chunk(body, self.chunked)
                heads.append(b"Transfer-Encoding: chunked")
        out = self.prefix + self.method + b" " + self.request_target() + (b" " + self.version if self.version else b"") + eol
        out += b"".join(h + eol for h in heads) + eol
        return out + (body or b"")


class Raw:
    def __init__(self, data):
        self.data = data


def chunk(body, style):
    if style == "truncated":
        return b"%x\r\n" % (len(body) + 10) + body
    if style == "badsize":
        return b"zz\r\n" + body + b"\r\n0\r\n\r\n"
    if style == "huge":
        return b"ffffffffffffffffff\r\n" + body + b"\r\n0\r\n\r\n"
    if style == "negative":
        return b"-5\r\n" + body + b"\r\n0\r\n\r\n"
    if style == "nolast":
        return b"%x\r\n" % len(body) + body + b"\r\n"
    out = b""
    step = max(1, len(body) // 3)
    for i in range(0, len(body), step):
        piece = body[i:i + step]
        ext = b";name=value" if style == "ext" else b""
        out += b"%x%s\r\n" % (len(piece), ext) + piece + b"\r\n"
    out += b"0\r\n"
    if style == "trailer":
        out += b"X-Trailer: yes\r\n"
    return out + b"\r\n"


class Resp:
    def __init__(self):
        self.status = None         # int, or None (no status line)
        self.reason = b""
        self.headers = []          # [(lower-case name str, value bytes)]
        self.body = b""
        self.extra = b""           # bytes after the framed response
        self.complete = False
        self.http09 = False
        self.raw = b""
        self.error = None          # "timeout", "reset", "connect: ..."
        self.elapsed = 0.0

    def header(self, name):
        for n, v in self.headers:
            if n == name:
                return v
        return None


def parse_response(buf, head_request, eof):
    """Frames one response (after any 1xx) out of buf. Returns a Resp; .complete tells."""
    r = Resp()
    r.raw = buf
    pos = 0
    while True:
        if not buf.startswith(b"HTTP/", pos):
            if len(buf) - pos >= 5 or eof:
                if buf[pos:]:
                    r.http09 = True
                    r.body = buf[pos:]
                    r.complete = eof
            return r
        end = buf.find(b"\r\n\r\n", pos)
        if end < 0:
            return r
        lines = buf[pos:end].split(b"\r\n")
        m = re.match(rb"HTTP/\d\.\d (\d{3})(?: (.*))?$", lines[0])
        if not m:
            r.status = -1
            r.reason = lines[0][:80]
            r.complete = eof
            r.body = buf[end + 4:]
            return r
        status = int(m.group(1))
        if 100 <= status < 200 and status != 101:
            pos = end + 4
            continue
        r.status, r.reason = status, m.group(2) or b""
        r.headers = []
        for ln in lines[1:]:
            n, _, v = ln.partition(b":")
            r.headers.append((n.strip().decode("latin-1").lower(), v.strip()))
        rest = buf[end + 4:]
        te = r.header("transfer-encoding")
        cl = r.header("content-length")
        if head_request or status in (204, 304):
            r.complete, r.extra = True, rest
        elif te is not None and b"chunked" in te.lower():
            body, used = b"", 0
            while True:
                nl = rest.find(b"\r\n", used)
                if nl < 0:
                    return r
                size = int(rest[used:nl].split(b";")[0] or b"0", 16)
                if size == 0:
                    tend = rest.find(b"\r\n", nl + 2)
                    if tend < 0:
                        return r
                    r.complete, r.body, r.extra = True, body, rest[tend + 2:]
                    return r
                if len(rest) < nl + 2 + size + 2:
                    if eof:
                        r.body = body + rest[nl + 2:]
                    return r
                body += rest[nl + 2:nl + 2 + size]
                used = nl + 2 + size + 2
        elif cl is not None and cl.isdigit():
            n = int(cl)
            r.body = rest[:n]
            r.complete = len(rest) >= n
            r.extra = rest[n:]
        else:
            r.body = rest
            r.complete = eof
        return r


class Wire:
    def __init__(self, env):
        self.http = parse_origin(env["AUTHZD_URL"])
        self.https = parse_origin(env["AUTHZD_HTTPS_URL"])
        self.ctx = ssl.create_default_context(cafile=env["AUTHZD_CA"])
        self.ctx.check_hostname = False     # the certificate names 127.0.0.1; the port decides here

    def host_header(self, tls):
        h, p = self.https if tls else self.http
        return f"{h}:{p}".encode()

    def exchange(self, data, tls=False, head=False, half_close=False, plain_to_tls_port=False):
        host, port = self.https if (tls or plain_to_tls_port) else self.http
        r = Resp()
        t0 = time.monotonic()
        try:
            s = socket.create_connection((host, port), timeout=CONNECT_TIMEOUT)
        except OSError as e:
            r.error = f"connect: {e}"
            return r
        try:
            if tls:
                s = self.ctx.wrap_socket(s, server_hostname=host)
            s.settimeout(READ_TIMEOUT)
            try:
                s.sendall(data)
                if half_close and not tls:
                    s.shutdown(socket.SHUT_WR)
            except (BrokenPipeError, ConnectionResetError, socket.timeout, ssl.SSLError, OSError):
                pass                     # the server may answer (and close) before reading it all
            buf, eof, done_at = b"", False, None
            deadline = t0 + READ_TIMEOUT
            while True:
                now = time.monotonic()
                left = (done_at + GRACE - now) if done_at is not None else (deadline - now)
                if left <= 0:
                    if done_at is None:
                        r.error = "timeout"
                    break
                s.settimeout(left)
                try:
                    d = s.recv(262144)
                except socket.timeout:
                    if done_at is None:
                        r.error = "timeout"
                    break
                except (ConnectionResetError, ssl.SSLError, OSError):
                    eof = True
                    if not buf:
                        r.error = "reset"
                    break
                if not d:
                    eof = True
                    break
                buf += d
                if done_at is None and parse_response(buf, head, False).complete:
                    done_at = time.monotonic()
            err = r.error
            r = parse_response(buf, head, eof or r.error is not None)
            r.error = err if not r.complete else None
            if err == "timeout" and not r.complete:
                r.error = "timeout"
        finally:
            try:
                s.close()
            except OSError:
                pass
        r.elapsed = time.monotonic() - t0
        return r


def parse_origin(url):
    m = re.match(r"^https?://([^:/]+):(\d+)", url)
    return m.group(1), int(m.group(2))


# ---------------------------------------------------------------- the oracle

JSON_CT = re.compile(rb"^\s*application/json\s*(;.*)?$", re.I)


def strict_json(body):
    def no_constants(c):
        raise ValueError(f"not JSON: {c}")
    return json.loads(body.decode("utf-8"), parse_constant=no_constants)


def judge(method, target, resp, incomplete):
    """The list of violation kinds of one response ([] when fine), and an info tag."""
    if resp.error and resp.error.startswith("connect"):
        return ["connect-failed"], None
    if resp.status is None and not resp.http09:
        if incomplete:
            return [], "closed (incomplete request)"
        if resp.error == "timeout":
            return ["timeout"], None
        return ["no-response"], None
    kinds = []
    if resp.http09:
        try:
            strict_json(resp.body)
        except ValueError:
            kinds.append("non-json-body")
        return kinds, "HTTP/0.9"
    st = resp.status
    if st < 0:
        return ["malformed-response"], None
    if not resp.complete:
        kinds.append("timeout" if resp.error == "timeout" and not incomplete else "truncated-response")
    info = None
    if st >= 500:
        if st == 503 and resp.header("retry-after") is not None:
            info = "503 with Retry-After"
        else:
            kinds.append("5xx")
    ct = resp.header("content-type") or b""
    head = method == b"HEAD"
    if head or st in (204, 304):
        if resp.body or resp.extra:
            kinds.append("body-on-head" if head else f"body-on-{st}")
        if head and st >= 400 and not JSON_CT.match(ct):
            kinds.append("non-json-content-type")
        return kinds, info
    if not resp.body:
        if st >= 400:
            kinds.append("empty-error-body")
        return kinds, info
    try:
        parsed = strict_json(resp.body)
    except ValueError:
        kinds.append("non-json-body")
        return kinds, info
    if not JSON_CT.match(ct):
        kinds.append("non-json-content-type")
    # A request nginx could not parse (its request line, an over-long URI, a NUL ...) has no
    # path nginx trusts, so nginx answers in the plain dialect; a vendor's body under another
    # vendor's path is still wrong.
    if st >= 400 and not error_shape_ok(dialect_of(split_target(target)), st, parsed) and \
            not (st in (400, 405, 414, 431) and error_shape_ok("plain", st, parsed)):
        kinds.append("foreign-error-body")
    return kinds, info


def request_line(data):
    """(method, target, well_formed) out of raw request bytes."""
    data = data.lstrip(b"\r\n")
    line = re.split(rb"\r?\n", data, maxsplit=1)[0]
    parts = line.split(b" ")
    if len(parts) == 3 and re.match(rb"^HTTP/1\.[01]$", parts[2]) and re.match(rb"^[A-Z]+$", parts[0]):
        return parts[0], parts[1], True
    if len(parts) >= 2:
        return parts[0], parts[1], False
    return parts[0], b"", False


REDACT = []                 # (bytes, label): the admin's token and credential never reach a report


def clip(data, n):
    """repr() of bytes, cut at about n characters; a run of more than 16 equal bytes, or of 8 or more
    copies of a 2- to 4-byte unit, is shown as <N×unit>."""
    if isinstance(data, str):
        data = data.encode("latin-1", "replace")
    for secret, label in REDACT:
        if secret:
            data = data.replace(secret, label)
    out, pos, total = [], 0, len(data)
    for m in re.finditer(rb"(.{1,4}?)\1{7,}", data, re.S):
        unit = m.group(1)
        if len(unit) == 1 and m.end() - m.start() <= 16:
            continue
        out.append(repr(data[pos:m.start()])[2:-1])
        out.append(f"<{(m.end() - m.start()) // len(unit)}×{repr(unit)[2:-1]}>")
        pos = m.end()
    out.append(repr(data[pos:])[2:-1])
    text = "".join(out)
    if len(text) > n:
        return "b'" + text[:n] + f"'… ({total} bytes)"
    return "b'" + text + "'"


# ---------------------------------------------------------------- the mutation vocabulary

def b(s):
    return s.encode("utf-8", "surrogatepass") if isinstance(s, str) else s


GARBAGE_SEGMENTS = [
    b"0", b"-1", b"00001", b"1.5", b"1e3", b"+1", b"0x10", b"%201", b"1%20", b"9223372036854775807",
    b"9223372036854775808", b"-9223372036854775809", b"18446744073709551616", b"9" * 40, b"abc",
    b"%C3%A9", b"\xc3\xa9", b"%E2%82%AC", b"%F0%9F%98%80", b"%2F", b"a%2Fb", b"%00", b"a%00b", b"%FF",
    b"%ff%fe", b"%C0%AF", b"%C0%80", b"%ED%A0%80", b"%F4%90%80%80", b"%F8%88%80%80%80", b"%", b"%Z1", b"%4",
    b"..", b".", b"%2e%2e", b"A" * 300, b"A" * 5000, b"%25", b"%20", b"*", b"'", b'"', b"<script>", b";",
    b"%3B", b"null", b"true", b"[]", b"{}", b"\xff", b"\x80", b"%0D%0A", b"%09", b"%7F", b"~", b"$",
    b"%u00e9", b"%%", b"%2", b"\xc3", b"%E9", b"\xe9",
]
ID_SEGMENTS = [b"1", b"2", b"999999999", b"2147483647", b"2147483648", b"4294967296", b"-0", b"01"]
AZ_NAMES = [b"other-srv", b"a", b"A" * 80, b"A" * 81, b"a*b", b"a%23b", b"a&b", b"a+b", b"a:b", b"a%3Cb",
            b"a%3E", b"a%3F", b"%2A", b"-", b"a%20b", b"%C3%A9t%C3%A9"]
AZ_SVCS = [b"-bad", b"9bad", b"bad-", b"b_ad", b"a" * 200, b"svc", b"a--b"]
VEN_OPS = [b"CreateApplication", b"GetApplication", b"GetApplications", b"EnumerateApplications",
           b"UpdateApplication", b"GrantCount", b"GetScopes", b"EnumerateGrants", b"getapplication",
           b"GETSCOPES", b"FlyToTheMoon", b"Get%41pplication", b"GetApplication%00", b"GetApplication%FF",
           b"%FF", b"%00", b"Get Application".replace(b" ", b"%20"), b"A" * 3000, b"GetApplication.json"]
VEN_DESTRUCTIVE = [b"DeleteApplication", b"RevokeGrants", b"deleteapplication"]
METHODS = [b"GET", b"POST", b"PUT", b"PATCH", b"HEAD", b"OPTIONS", b"TRACE", b"FOO", b"PROPFIND", b"MKCOL",
           b"CONNECT", b"get", b"Post", b"G\xffT", b"X" * 100, b"M-SEARCH", b"GET2", b"LOCK", b"SEARCH"]
VERSIONS = [b"HTTP/1.0", b"HTTP/1.1", b"HTTP/2.0", b"HTTP/1.2", b"HTTP/9.9", b"HTTP/0.9", b"http/1.1",
            b"HTTP/1.10", b"HTTP/01.1", b"HTTP/1", b"HTTPS/1.1", b"HTTP/1.1 x", b"", b"HTTP/\xff"]
FILTERS = [
    b"name eq 'mut-srv'", b"name%20eq%20'mut-srv'", b"displayName ne 'x'", b"startswith(name,'mut')",
    b"endswith(displayName,'s')", b"contains(name,'u') eq true", b"substringof('u',name)",
    b"name eq 'a' and displayName ne 'b'", b"name gt 'a' and name lt 'z'", b"name ge 'a'", b"name le 'z'",
    b"name eq", b"eq 'x'", b"name eq 'x", b"name eq ''''", b"name eq ''", b"foo eq 'x'", b"(name eq 'x')",
    b"((((((((((", b"))))", b"(" * 500 + b"name eq 'x'" + b")" * 500, b"name eq '" + b"a" * 4000 + b"'",
    b"%FF", b"name eq '%FF'", b"name eq '%00'", b"name eq '%C3%A9'", b"not name eq 'x'",
    b"name eq 'x' or name eq 'y'", b"name eq 'x' and", b"and", b"startswith(name)", b"startswith(,)",
    b"startswith(name,'a'", b"contains(name,'a') eq false", b"name eq 1", b"name eq null", b"name eq true",
    b"NAME EQ 'x'", b"name  eq  'x'", b"name%09eq%09'x'", b"'", b"''", b"%", b"%27", b"name eq 'x'%00",
    b"properties/displayName eq 'x'", b"name eq 'x' and " * 200 + b"name eq 'x'",
]
NUMBERS = [b"0", b"1", b"-1", b"1000", b"1001", b"999999", b"2147483647", b"2147483648", b"9223372036854775807",
           b"9223372036854775808", b"18446744073709551616", b"1e3", b"1.5", b"abc", b"", b"%FF", b"%00",
           b"%201", b"1%20", b"+1", b"0x10", b"9" * 50, b"-0", b"00000000000000000000001"]
API_VERSIONS = [b"", b"2021-08-01", b"2022-08-01-preview", b"2022-08-01%20", b"%FF", b"%00", b"2022-08-01%FF",
                b"2022%2D08%2D01", b"x" * 5000, b"2022-08-01%00", b"%C3%A9", b"2022-08-1", b"2022-13-01",
                b"2022-08-01&api-version=2021-01-01", b"%", b"2022-08-01%2C2022-08-01"]
QUERY_JUNK = [b"%FF", b"%FF=%FF", b"=x", b"=", b"&&&", b"a=%", b"a=%Z1", b"%00=1", b"a=%00", b"a" * 3000 + b"=1",
              b"a=" + b"b" * 6000, b"x=\xff", b"x=\xc3\xa9", b"?", b"a=1;b=2", b"a[]=1", b"%C0%AF=1",
              b"%ED%A0%80", b"name", b"x=%F4%90%80%80", b"+=+", b"%2B=%2B", b"$top", b"$filter"]
IF_MATCH = [b'"x"', b"x", b'""', b"", b"**", b"*", b'W/"garbage"', b'"f////////w="', b'"AAAAAAAAAAE="',
            b'"AAAAAAAAAAAAAAAA"', b'"AAAAAAAAAAAAAAA="', b'"%FF"', b'"\xff"', b'"' + b"A" * 5000 + b'"',
            b'"a", "b"', b'*, "x"', b"W/", b'"', b'"====="', b'"!!!!!!!!"', b'"AAAAAAAAAAE=" , *',
            b'"/////////////////w=="', b'"gAAAAAAAAAA="']
CONTENT_TYPES = [None, b"text/plain", b"application/json; charset=utf-8", b"APPLICATION/JSON",
                 b"application/jsonx", b"application/json; charset=latin1", b"application/x-www-form-urlencoded",
                 b"multipart/form-data; boundary=x", b"", b"application/json;;;", b"application/json\xff",
                 b"application/", b"json", b"application/json, text/plain", b"application/merge-patch+json",
                 b" application/json ", b"application/json; charset=\xff"]
BIG = 10 ** 30
BODY_CAP = 3 * 1024 * 1024     # no mutated body is larger (nginx refuses anything over 1 MiB anyway)


def fit(n, unit, cap=1600000):
    """How many copies of a unit-byte value fit in about cap bytes (at least 1, at most n)."""
    return max(1, min(n, cap // max(1, unit)))


def garbage_auth(rng, ctx):
    """A credential that is never the admin's (failures count per client id). One fake client id
    comes back often, so that it is throttled (429 with Retry-After) during the run."""
    fake = ctx.hot_fake if rng.random() < 0.3 else "%032x" % rng.getrandbits(128)
    token = ctx.token or "0" * 64
    return rng.choice([
        None, b"Bearer", b"Bearer ", b"Bearer garbage", b"Bearer " + b(token) + b"x", b"Bearer " + b(token[:-1]),
        b"bearer " + b(token), b"BEARER " + b(token), b"Bearer  " + b(token), b"Bearer " + b(token) + b" extra",
        b"Bearer %FF", b"Bearer \xff\xfe", b"Bearer " + b"A" * 7000, b"Bearer\t" + b(token), b"Basic garbage",
        b"Basic " + base64.b64encode(b(f"{fake}:{fake}")), b"Basic " + base64.b64encode(b"nocolon"),
        b"Basic !!!", b"Basic " + base64.b64encode(b"\xff\x00:\x00\xff"), b"Basic =", b"Basic ",
        b"Basic " + base64.b64encode(b(f"{fake}:")), b"Basic " + base64.b64encode(b(f":{fake}")),
        b(f"client_id:{fake}, client_secret:{fake}"), b(f"CLIENT_ID:{fake},CLIENT_SECRET:{fake}"),
        b"client_id:, client_secret:", b(f"client_id:{fake}"), b"client_secret:x, client_id:",
        b(f"client_id:{fake}, client_secret:\xff"), b"Digest username=x", b"Negotiate YII=", b"\xff",
        b"Bearer " + b(ctx.vtoken or "v" * 64) + b"0", b"Bearer %s" % b("0" * 64),
    ])


class Ctx:
    """Fixtures and credentials of the run."""
    token = None
    vtoken = None
    admin_id = admin_secret = ""
    hot_fake = "f" * 32


# ---------------------------------------------------------------- seeds: one valid request per route

def az_segs(ctx, name=None, tail=None):
    segs = [b"subscriptions", b(ctx.az_sub), b"resourceGroups", b(ctx.az_rg), b"providers",
            b"Microsoft.ApiManagement", b"service", b(ctx.az_svc), b"authorizationServers"]
    params = {1: "az_sub", 3: "az_rg", 7: "az_svc"}
    if name is not None:
        params[len(segs)] = "az_name"
        segs.append(b(name))
    if tail:
        segs.append(tail)
    return segs, params


def bearer(ctx):
    return [[b"Authorization", b"Bearer " + b(ctx.token)]]


def json_headers(ctx, auth=True):
    return (bearer(ctx) if auth else []) + [[b"Content-Type", b"application/json"]]


def oauth_resource(ctx):
    """The fixture server's resource identifier, form-encoded (it picks the server on /oidc/2)."""
    return b(f"https%3A%2F%2Fmut.example%2F{ctx.tag}")


def ol_server_body(rng, tag):
    return {"name": f"mut {tag} {rng.randrange(10**6)}", "description": "mutation fixture",
            "configuration": {"resource_identifier": f"https://mut.example/{tag}",
                              "audiences": [f"https://mut.example/{tag}", "urn:mut"],
                              "access_token_expiration_minutes": 10, "refresh_token_expiration_minutes": 60}}


def az_body(rng):
    return {"properties": {
        "displayName": "Mutation", "description": "mutation fixture",
        "clientRegistrationEndpoint": "https://mut.example/apps",
        "authorizationEndpoint": "https://mut.example/oauth2/auth",
        "authorizationMethods": ["GET", "POST"], "clientAuthenticationMethod": ["Basic", "Body"],
        "tokenBodyParameters": [{"name": "resource", "value": "https://graph"}],
        "tokenEndpoint": "https://mut.example/oauth2/token", "supportState": True, "defaultScope": "read write",
        "grantTypes": ["authorizationCode", "implicit", "clientCredentials"],
        "bearerTokenSendingMethods": ["authorizationHeader", "query"], "clientId": "client-1",
        "clientSecret": "s3cret", "resourceOwnerUsername": "owner", "resourceOwnerPassword": "pw"}}


def ven_app_body(rng, app_id):
    return {"ApplicationId": app_id, "Scope": "certificate:manage", "MaxScope": "admin;certificate:manage",
            "Name": "Mutation", "Vendor": "authzd", "Description": "mutation fixture", "Url": "https://mut.example",
            "AccessValidity": 600, "GrantValidity": 3600, "Renewable": True}


def ol_path(*parts):
    segs, params = [b"api", b"2", b"api_authorizations"], {}
    kinds = ["ol_id", "ol_sub"]
    for i, p in enumerate(parts):
        if i % 2 == 0:
            params[len(segs)] = kinds[0] if i == 0 else kinds[1]
            segs.append(b(str(p)))
        else:
            segs.append(b(p))
    return segs, params


class Seeds:
    """Builders of valid requests; a builder may first make a victim through `run`."""

    def __init__(self, ctx, run):
        self.ctx, self.run = ctx, run
        c = ctx
        S = []

        def add(name, weight, fn):
            S.append((name, weight, fn))
        add("GET /healthz", 2, lambda r: Req(b"GET", [b"healthz"]))
        add("HEAD /healthz", 1, lambda r: Req(b"HEAD", [b"healthz"]))
        add("GET /readyz", 2, lambda r: Req(b"GET", [b"readyz"]))
        add("HEAD /readyz", 1, lambda r: Req(b"HEAD", [b"readyz"]))
        add("POST /auth/oauth2/v2/token (basic)", 3, self.token_basic)
        add("POST /auth/oauth2/v2/token (pair)", 2, self.token_pair)
        add("POST /auth/oauth2/v2/token (unknown client)", 4, self.token_fake)
        add("POST /auth/oauth2/revoke", 2, self.revoke)
        add("GET /api/2/api_authorizations", 4, lambda r: Req(
            b"GET", [b"api", b"2", b"api_authorizations"], headers=bearer(c),
            query=[b"name=" + b(r.choice(["mut", "MUT", "a b"])).replace(b" ", b"%20")]))
        add("POST /api/2/api_authorizations", 4, lambda r: Req(
            b"POST", [b"api", b"2", b"api_authorizations"], headers=json_headers(c), body=ol_server_body(r, c.tag)))
        add("GET /api/2/api_authorizations/:id", 4, lambda r: Req(b"GET", *ol_path(c.ol_server), headers=bearer(c)))
        add("PUT /api/2/api_authorizations/:id", 4, lambda r: Req(
            b"PUT", *ol_path(c.ol_server), headers=json_headers(c), body=ol_server_body(r, c.tag)))
        add("DELETE /api/2/api_authorizations/:id", 2, self.ol_delete)
        add("GET /api/2/api_authorizations/:id/scopes", 2, lambda r: Req(
            b"GET", *ol_path(c.ol_server, "scopes"), headers=bearer(c)))
        add("POST /api/2/api_authorizations/:id/scopes", 3, lambda r: Req(
            b"POST", *ol_path(c.ol_server, "scopes"), headers=json_headers(c),
            body={"value": f"mut:{r.randrange(10**9)}", "description": "d"}))
        add("PUT /api/2/api_authorizations/:id/scopes/:scope_id", 3, lambda r: Req(
            b"PUT", *ol_path(c.ol_server, "scopes", c.ol_scope), headers=json_headers(c),
            body={"value": f"mut:{c.tag}:read", "description": "read"}))
        add("DELETE /api/2/api_authorizations/:id/scopes/:scope_id", 2, self.scope_delete)
        add("GET /api/2/api_authorizations/:id/claims", 2, lambda r: Req(
            b"GET", *ol_path(c.ol_server, "claims"), headers=bearer(c)))
        add("POST /api/2/api_authorizations/:id/claims", 3, lambda r: Req(
            b"POST", *ol_path(c.ol_server, "claims"), headers=json_headers(c), body=self.claim_body(r)))
        add("PUT /api/2/api_authorizations/:id/claims/:claim_id", 3, lambda r: Req(
            b"PUT", *ol_path(c.ol_server, "claims", c.ol_claim), headers=json_headers(c),
            body=dict(self.claim_body(r), name=f"email{c.tag}")))
        add("DELETE /api/2/api_authorizations/:id/claims/:claim_id", 2, self.claim_delete)
        add("GET /api/2/api_authorizations/:id/clients", 2, lambda r: Req(
            b"GET", *ol_path(c.ol_server, "clients"), headers=bearer(c)))
        add("POST /api/2/api_authorizations/:id/clients", 3, lambda r: Req(
            b"POST", *ol_path(c.ol_server, "clients"), headers=json_headers(c),
            body={"app_id": c.ol_app2, "scopes": [c.ol_scope]}))
        add("PUT /api/2/api_authorizations/:id/clients/:client_app_id", 3, lambda r: Req(
            b"PUT", *ol_path(c.ol_server, "clients", c.ol_app), headers=json_headers(c),
            body={"scopes": [c.ol_scope]}))
        add("DELETE /api/2/api_authorizations/:id/clients/:client_app_id", 2, self.client_delete)
        add("GET /api/2/apps", 2, lambda r: Req(b"GET", [b"api", b"2", b"apps"], headers=bearer(c)))
        add("POST /api/2/apps", 3, lambda r: Req(b"POST", [b"api", b"2", b"apps"], headers=json_headers(c),
                                                 body={"name": f"mut app {r.randrange(10**6)}", "description": "d"}))
        add("GET /api/2/apps/:id", 2, lambda r: Req(b"GET", [b"api", b"2", b"apps", b(str(c.ol_app))],
                                                    params={3: "ol_id"}, headers=bearer(c)))
        add("PUT /api/2/apps/:id", 3, lambda r: Req(b"PUT", [b"api", b"2", b"apps", b(str(c.ol_app))],
                                                    params={3: "ol_id"}, headers=json_headers(c),
                                                    body={"name": f"mut app {c.tag}", "description": "d"}))
        add("DELETE /api/2/apps/:id", 2, self.app_delete)
        add("GET …/authorizationServers", 5, self.az_list)
        add("GET …/authorizationServers/:name", 4, lambda r: Req(
            b"GET", *az_segs(c, c.az_server), query=[b"api-version=" + API_VERSION], headers=bearer(c)))
        add("HEAD …/authorizationServers/:name", 2, lambda r: Req(
            b"HEAD", *az_segs(c, c.az_server), query=[b"api-version=" + API_VERSION], headers=bearer(c)))
        add("PUT …/authorizationServers/:name", 4, self.az_put)
        add("PATCH …/authorizationServers/:name", 4, self.az_patch)
        add("DELETE …/authorizationServers/:name", 2, self.az_delete)
        add("POST …/authorizationServers/:name/listSecrets", 3, lambda r: Req(
            b"POST", *az_segs(c, c.az_server, b"listSecrets"), query=[b"api-version=" + API_VERSION],
            headers=bearer(c)))
        for op, w in [("GetApplication", 3), ("GetApplications", 2), ("EnumerateApplications", 3),
                      ("CreateApplication", 3), ("UpdateApplication", 3), ("GrantCount", 2), ("GetScopes", 2),
                      ("EnumerateGrants", 2), ("DeleteApplication", 2), ("RevokeGrants", 1)]:
            add(f"POST /vedsdk/oauth/{op}", w, lambda r, op=op: self.vedsdk(r, op))
        add("POST /vedauth/authorize/oauth", 1, self.vauth)
        add("POST /vedauth/authorize/token", 1, self.vrefresh)
        add("GET /vedauth/authorize/verify", 2, self.vverify)
        add("GET /vedauth/revoke/token", 1, self.vrevoke)
        # the token service, on a server's issuer and on the default tenant's /oidc/2
        for base, label in ((["oauth2", str(c.ol_server)], "/oauth2/:id"), (["oidc", "2"], "/oidc/2")):
            token, keys = ("v1/token", "v1/keys") if label != "/oidc/2" else ("token", "certs")
            intro, rev = ("v1/introspect", "v1/revoke") if label != "/oidc/2" else ("token/introspection",
                                                                                  "token/revocation")
            add(f"POST {label}/{token}", 4, lambda r, base=base, t=token: self.oauth_token(r, base, t))
            add(f"GET {label}/{keys}", 2, lambda r, base=base, k=keys: self.oauth_get(base + k.split("/")))
            add(f"POST {label}/{intro}", 3, lambda r, base=base, i=intro, t=token: self.oauth_inspect(r, base, i, t))
            add(f"POST {label}/{rev}", 2, lambda r, base=base, v=rev, t=token: self.oauth_inspect(r, base, v, t))
            for doc in ("oauth-authorization-server", "openid-configuration"):
                add(f"GET {label}/.well-known/{doc}", 1,
                    lambda r, base=base, d=doc: self.oauth_get(base + [".well-known", d]))
        add("GET /.well-known/oauth-authorization-server/oauth2/:id", 1, lambda r: self.oauth_get(
            [".well-known", "oauth-authorization-server", "oauth2", str(c.ol_server)]))
        self.all = S
        total = sum(w for _, w, _ in S)
        self.cum = []
        acc = 0
        for name, w, fn in S:
            acc += w
            self.cum.append((acc / total, name, fn))

    def pick(self, rng):
        x = rng.random()
        for edge, name, fn in self.cum:
            if x <= edge:
                return name, fn
        return self.cum[-1][1], self.cum[-1][2]

    # -- builders that need more than a line

    def claim_body(self, r):
        return {"name": f"claim{r.randrange(10**9)}", "label": "Email", "user_attribute_mappings": "email",
                "user_attribute_macros": "{email}", "attributes_transformations": "lowercase",
                "skip_if_blank": True, "values": ["a", "b"], "default_values": "x", "provisioned_entitlements": False}

    def token_basic(self, r):
        c = self.ctx
        q = Req(b"POST", [b"auth", b"oauth2", b"v2", b"token"],
                headers=[[b"Authorization", b"Basic " + base64.b64encode(b(f"{c.admin_id}:{c.admin_secret}"))],
                         [b"Content-Type", b"application/json"]], body={"grant_type": "client_credentials"})
        q.locked = True
        return q

    def token_pair(self, r):
        c = self.ctx
        q = Req(b"POST", [b"auth", b"oauth2", b"v2", b"token"],
                headers=[[b"Authorization", b(f"client_id:{c.admin_id}, client_secret:{c.admin_secret}")],
                         [b"Content-Type", b"application/json"]], body={"grant_type": "client_credentials"})
        q.locked = True
        if r.random() < 0.3:          # the same, as a form
            q.body = NOBODY
            q.form = [[b"grant_type", b"client_credentials"]]
            q.set_header(b"Content-Type", b"application/x-www-form-urlencoded")
        return q

    def token_fake(self, r):
        fake = self.ctx.hot_fake if r.random() < 0.5 else "%032x" % r.getrandbits(128)
        secret = "%064x" % r.getrandbits(256)
        q = Req(b"POST", [b"auth", b"oauth2", b"v2", b"token"], headers=[[b"Content-Type", b"application/json"]],
                body={"grant_type": "client_credentials"})
        how = r.choice(["json", "form", "basic", "pair"])
        if how == "json":
            q.body.update(client_id=fake, client_secret=secret)
        elif how == "form":
            q.body = NOBODY
            q.form = [[b"grant_type", b"client_credentials"], [b"client_id", b(fake)], [b"client_secret", b(secret)]]
            q.set_header(b"Content-Type", b"application/x-www-form-urlencoded")
        elif how == "basic":
            q.set_header(b"Authorization", b"Basic " + base64.b64encode(b(f"{fake}:{secret}")))
        else:
            q.set_header(b"Authorization", b(f"client_id:{fake}, client_secret:{secret}"))
        q.expect = (401, 429)             # an unknown client (401), or the throttled one (429)
        return q

    # -- the token service: the fixture application is a client of the fixture server

    def oauth_client(self, q, r):
        """Mostly the fixture client, its credentials left alone; else a second one whose
        credentials the mutations may garble (failures count: it may be throttled, 429)."""
        c = self.ctx
        cid, secret = (c.client_id, c.client_secret) if r.random() < 0.7 else (c.client2_id, c.client2_secret)
        q.set_header(b"Authorization", b"Basic " + base64.b64encode(b(f"{cid}:{secret}")))
        q.set_header(b"Content-Type", b"application/x-www-form-urlencoded")
        q.locked = cid == c.client_id
        q.expect = (200, 299) if q.locked else (200, 429)
        return q

    def oauth_token(self, r, base, token):
        q = Req(b"POST", [b(s) for s in base + token.split("/")], body=NOBODY)
        q.form = [[b"grant_type", b"client_credentials"]]
        if r.random() < 0.5:
            q.form.append([b"scope", b(f"mut:{self.ctx.tag}:read")])
        if r.random() < 0.3 or base[0] == "oidc":
            q.form.append([b"resource", oauth_resource(self.ctx)])
        return self.oauth_client(q, r)

    def oauth_inspect(self, r, base, path, token):
        t = self.run.client_token([b(s) for s in base + token.split("/")]) or "x.y.z"
        q = Req(b"POST", [b(s) for s in base + path.split("/")], body=NOBODY)
        q.form = [[b"token", b(t)]]
        if r.random() < 0.3:
            q.form.append([b"token_type_hint", b"access_token"])
        return self.oauth_client(q, r)

    def oauth_get(self, segs):
        q = Req(b"GET", [b(s) for s in segs])
        if segs[0] == "oauth2":
            q.params = {1: "ol_id"}
        return q

    def revoke(self, r):
        victim = self.run.mint_token()
        q = self.token_basic(r)
        q.segs = [b"auth", b"oauth2", b"revoke"]
        q.body = {"access_token": victim or "0" * 64}
        return q

    def ol_delete(self, r):
        c = self.ctx
        res = self.run.setup(Req(b"POST", [b"api", b"2", b"api_authorizations"], headers=json_headers(c),
                                 body=ol_server_body(r, c.tag)))
        q = Req(b"DELETE", *ol_path(res.get("id", 0)), headers=bearer(c))
        q.victim = True
        return q

    def scope_delete(self, r):
        c = self.ctx
        res = self.run.setup(Req(b"POST", *ol_path(c.ol_server, "scopes"), headers=json_headers(c),
                                 body={"value": f"victim:{r.randrange(10**9)}", "description": "d"}))
        q = Req(b"DELETE", *ol_path(c.ol_server, "scopes", res.get("id", 0)), headers=bearer(c))
        q.victim = True
        return q

    def claim_delete(self, r):
        c = self.ctx
        res = self.run.setup(Req(b"POST", *ol_path(c.ol_server, "claims"), headers=json_headers(c),
                                 body={"name": f"victim{r.randrange(10**9)}"}))
        q = Req(b"DELETE", *ol_path(c.ol_server, "claims", res.get("id", 0)), headers=bearer(c))
        q.victim = True
        return q

    def client_delete(self, r):
        c = self.ctx
        app = self.run.setup(Req(b"POST", [b"api", b"2", b"apps"], headers=json_headers(c),
                                 body={"name": "victim", "description": "d"})).get("id", 0)
        self.run.setup(Req(b"POST", *ol_path(c.ol_server, "clients"), headers=json_headers(c),
                           body={"app_id": app, "scopes": []}))
        q = Req(b"DELETE", *ol_path(c.ol_server, "clients", app), headers=bearer(c))
        q.victim = True
        return q

    def app_delete(self, r):
        c = self.ctx
        app = self.run.setup(Req(b"POST", [b"api", b"2", b"apps"], headers=json_headers(c),
                                 body={"name": "victim", "description": "d"})).get("id", 0)
        q = Req(b"DELETE", [b"api", b"2", b"apps", b(str(app))], params={3: "ol_id"}, headers=bearer(c))
        q.victim = True
        return q

    def az_list(self, r):
        q = [b"api-version=" + API_VERSION]
        if r.random() < 0.5:
            q.append(b"$filter=" + r.choice(FILTERS[:11]).replace(b" ", b"%20"))
        if r.random() < 0.4:
            q.append(b"$top=" + r.choice([b"1", b"5", b"1000"]))
        if r.random() < 0.3:
            q.append(b"$skip=" + r.choice([b"0", b"1", b"50"]))
        return Req(b"GET", *az_segs(self.ctx), query=q, headers=bearer(self.ctx))

    def az_put(self, r):
        c = self.ctx
        name = c.az_server if r.random() < 0.5 else f"srv-{r.randrange(10**9)}"
        q = Req(b"PUT", *az_segs(c, name), query=[b"api-version=" + API_VERSION], headers=json_headers(c),
                body=az_body(r))
        if name == c.az_server and r.random() < 0.5:
            q.set_header(b"If-Match", self.run.etag() or b"*")
        return q

    def az_patch(self, r):
        c = self.ctx
        body = {"properties": {"description": f"patched {r.randrange(1000)}"}}
        if r.random() < 0.5:
            body["properties"]["displayName"] = "Patched"
        q = Req(b"PATCH", *az_segs(c, c.az_server), query=[b"api-version=" + API_VERSION], headers=json_headers(c),
                body=body)
        q.set_header(b"If-Match", (self.run.etag() or b"*") if r.random() < 0.6 else b"*")
        return q

    def az_delete(self, r):
        c = self.ctx
        name = f"victim-{r.randrange(10**9)}"
        self.run.setup(Req(b"PUT", *az_segs(c, name), query=[b"api-version=" + API_VERSION],
                           headers=json_headers(c), body=az_body(r)))
        q = Req(b"DELETE", *az_segs(c, name), query=[b"api-version=" + API_VERSION], headers=bearer(c))
        q.set_header(b"If-Match", b"*")
        q.victim = True
        return q

    def vedsdk(self, r, op):
        c = self.ctx
        app = c.ven_app
        victim = False
        if op in ("DeleteApplication", "RevokeGrants", "CreateApplication"):
            app = f"mut-{c.tag}-{r.randrange(10**9)}"
            if op != "CreateApplication":
                self.run.setup(self.ven_req(b"CreateApplication", ven_app_body(r, app)))
                victim = True
        body = {
            "GetApplication": {"ApplicationId": app},
            "GetApplications": {"ApplicationIds": [app, "mut-none"]},
            "EnumerateApplications": {"Start": 0, "Count": 10, "OrderBy": r.randrange(4), "Descending": True},
            "CreateApplication": ven_app_body(r, app),
            "UpdateApplication": {"Application": {"ID": app, "Name": "Mutation 2", "Scope": "certificate:manage",
                                                  "MaximumScope": "admin;certificate:manage", "Renewable": True,
                                                  "AccessValidity": 600, "GrantValidity": 3600}},
            "GrantCount": {"ApplicationId": app},
            "GetScopes": {},
            "EnumerateGrants": {"ApplicationId": app},
            "DeleteApplication": {"ApplicationId": app},
            "RevokeGrants": {"ApplicationId": app},
        }[op]
        q = self.ven_req(b(op), body, vtoken=c.vtoken is not None and r.random() < 0.3)
        q.victim = victim
        return q

    def ven_req(self, op, body, vtoken=False):
        c = self.ctx
        q = Req(b"POST", [b"vedsdk", b"oauth", op], params={2: "ven_op"},
                headers=[[b"Authorization", b"Bearer " + b(c.vtoken if vtoken else c.token)],
                         [b"Content-Type", b"application/json"]], body=body)
        return q

    def vauth(self, r):
        c = self.ctx
        q = Req(b"POST", [b"vedauth", b"authorize", b"oauth"], headers=[[b"Content-Type", b"application/json"]],
                body={"client_id": c.ven_auth_app, "username": c.ven_user or "nobody",
                      "password": c.ven_password or "x", "scope": r.choice(["certificate:manage", "admin"])})
        return self.no_identity(q)

    def no_identity(self, q):
        if not self.ctx.ven_user:
            q.expect = (400, 401)         # without --authzctl there is no identity, so no real token
        return q

    def vrefresh(self, r):
        c = self.ctx
        refresh = "0" * 64
        if c.ven_user:
            res = self.run.setup(self.vauth(r))
            refresh = res.get("refresh_token", refresh)
        return self.no_identity(Req(b"POST", [b"vedauth", b"authorize", b"token"],
                                    headers=[[b"Content-Type", b"application/json"]],
                                    body={"client_id": c.ven_auth_app, "refresh_token": refresh}))

    def vverify(self, r):
        c = self.ctx
        return self.no_identity(Req(b"GET", [b"vedauth", b"authorize", b"verify"],
                                    headers=[[b"Authorization", b"Bearer " + b(c.vtoken or "0" * 64)]]))

    def vrevoke(self, r):
        c = self.ctx
        tok = "0" * 64
        if c.ven_user:
            tok = self.run.setup(self.vauth(r)).get("access_token", tok)
        return self.no_identity(Req(b"GET", [b"vedauth", b"revoke", b"token"],
                                    headers=[[b"Authorization", b"Bearer " + b(tok)]]))


# ---------------------------------------------------------------- mutations

def json_paths(obj, path=()):
    """Every (path, value) inside a JSON value, the root included."""
    yield path, obj
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from json_paths(v, path + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from json_paths(v, path + (i,))


def json_set(obj, path, value, delete=False):
    if not path:
        return value
    cur = obj
    for p in path[:-1]:
        cur = cur[p]
    if delete:
        if isinstance(cur, dict):
            cur.pop(path[-1], None)
        else:
            del cur[path[-1]]
    else:
        cur[path[-1]] = value
    return obj


def raw_token(q, data):
    k = f"@@RAW{len(q.placeholders)}@@"
    q.placeholders[k] = data
    return k


RAW_VALUES = [b"1e999", b"-1e999", b"NaN", b"Infinity", b"9" * 400, b"-0", b"0.0000000000000000000000001", b"1E+2",
              b'"\xff\xfe"', b'"\xc0\xaf"', b'"\xed\xa0\x80"', b'"\\ud800"', b'"\\udc00\\ud800"', b'"\\u0000"',
              b'"\\x41"', b'"\x01\x1f"', b"'single'", b"undefined", b"0x10", b"01", b"+1", b".5", b"1.", b"[1,]",
              b'{"a":1,}', b'{"a":1,"a":2}', b"[" * 3000 + b"]" * 3000, b'"\\uD83D"', b'"a\\u0000b"']


def value_variants(rng, q, v):
    """A replacement for one JSON value: another type, an extreme, a bad encoding."""
    if rng.random() < 0.3:
        return raw_token(q, rng.choice(RAW_VALUES))
    opts = [lambda: None, lambda: True, lambda: False, lambda: 0, lambda: -1, lambda: 1.5, lambda: "",
            lambda: " ", lambda: "x", lambda: [], lambda: {}, lambda: [None], lambda: {"a": 1}, lambda: "0",
            lambda: "A" * rng.choice([256, 2049, 100000]), lambda: "\u00e9\u4e2d\U0001F600", lambda: "\ud800",
            lambda: "\u0000", lambda: "a\u0000b", lambda: "\n\t\r", lambda: "%FF", lambda: "<script>",
            lambda: "' OR 1=1 --", lambda: 2 ** 31, lambda: 2 ** 63, lambda: -2 ** 63 - 1, lambda: 2 ** 64,
            lambda: BIG, lambda: 1e308, lambda: -0.0, lambda: 1e-320, lambda: [1] * rng.choice([2, 101, 1001]),
            lambda: ["a"] * rng.choice([2, 101, 1001]), lambda: {"nested": {"deeper": [1, {"x": None}]}},
            lambda: [[[[[[[[[[]]]]]]]]]]]
    if isinstance(v, str):
        opts += [lambda: v + "\u00e9", lambda: v.upper(), lambda: " " + v, lambda: v + " ", lambda: v * 50,
                 lambda: v[:-1], lambda: str(len(v))]
    if isinstance(v, bool):
        opts += [lambda: "true", lambda: 1, lambda: 0]
    elif isinstance(v, int):
        opts += [lambda: str(v), lambda: v + 1, lambda: -v, lambda: 1441, lambda: 525601, lambda: 31536001,
                 lambda: 1001, lambda: float(v)]
    if isinstance(v, list):
        opts += [lambda: v * 2, lambda: v[:1], lambda: [v], lambda: list(reversed(v)),
                 lambda: {"0": v[0]} if v else {}, lambda: v + [None], lambda: v + [{}]]
    return rng.choice(opts)()


def mutate_body(rng, q):
    if q.form is not None:
        op = rng.choice(["form-value", "form-drop", "form-add", "form-dup"])
        fields = [f for f in q.form if f[0].decode("latin-1") not in q.protect]
        if op == "form-value" and fields:
            f = rng.choice(fields)
            f[1] = rng.choice([b"", b"%FF", b"%00", b"%", b"a+b", b"x" * 5000, b"client%5Fcredentials",
                               b"CLIENT_CREDENTIALS", b"password", b"\xff"])
        elif op == "form-drop" and fields:
            q.form.remove(rng.choice(fields))
        elif op == "form-add":
            q.form.append([rng.choice([b"x", b"%FF", b"", b"grant_type", b"a" * 3000]), b"%FF"])
        elif op == "form-dup" and fields:
            q.form.append([rng.choice(fields)[0], b"other"])
        q.tags.append("body." + op)
        return
    if q.body is NOBODY or isinstance(q.body, Raw):
        q.body = rng.choice([{}, [], {"a": 1}, None, "x"])
        q.tags.append("body.add")
        if q.header(b"Content-Type") is None:
            q.set_header(b"Content-Type", b"application/json")
        return
    op = rng.choices(["field", "drop", "add", "whole", "raw", "dup-key", "deep", "long-array", "wrap",
                      "big"], [30, 10, 8, 8, 14, 6, 4, 4, 4, 2])[0]
    paths = [(p, v) for p, v in json_paths(q.body) if p and not (set(p) & set(q.protect))]
    if op == "field" and paths:
        p, v = rng.choice(paths)
        q.body = json_set(q.body, p, value_variants(rng, q, v))
        q.tags.append(f"body.field {'/'.join(map(str, p))}")
        return
    if op == "drop" and paths:
        p, _ = rng.choice(paths)
        q.body = json_set(q.body, p, None, delete=True)
        q.tags.append(f"body.drop {'/'.join(map(str, p))}")
        return
    if op == "add":
        targets = [(p, v) for p, v in json_paths(q.body) if isinstance(v, dict)]
        if targets:
            p, v = rng.choice(targets)
            k = rng.choice(["unknown", "", "\u00e9", "A" * 1000, "id", "name", "properties", "__proto__",
                            "Application", "configuration", "$ref"])
            if k not in q.protect:
                v[k] = value_variants(rng, q, "x")
                q.tags.append(f"body.add {k[:20]!r}")
                return
    if op == "dup-key" and isinstance(q.body, dict) and q.body:
        keys = [k for k in q.body if k not in q.protect]
        if keys:
            k = rng.choice(keys)
            data = q.body_bytes()
            dup = json.dumps(k).encode() + b":" + json.dumps(value_variants(rng, Req(b"", []), 1)).encode() + b","
            q.body = Raw(data[:1] + dup + data[1:])
            q.tags.append("body.dup-key")
            return
    if op == "deep":
        n = rng.choice([100, 2000, 20000, 200000])
        paths_all = [p for p, _ in json_paths(q.body) if p and not (set(p) & set(q.protect))]
        inner = raw_token(q, b"[" * n + b"]" * n) if rng.random() < 0.5 else raw_token(
            q, b'{"a":' * n + b"1" + b"}" * n)
        if paths_all:
            q.body = json_set(q.body, rng.choice(paths_all), inner)
        else:
            q.body = Raw(b"[" * n + b"]" * n)
        q.tags.append(f"body.deep {n}")
        return
    if op == "long-array":
        arrays = [(p, v) for p, v in json_paths(q.body) if isinstance(v, list) and p and not (set(p) & set(q.protect))]
        n = rng.choice([101, 1001, 10000, 60000])
        if arrays:
            p, v = rng.choice(arrays)
            item = v[0] if v else "x"
            n = fit(n, len(json.dumps(item)) + 8)
            q.body = json_set(q.body, p, [item] * n if rng.random() < 0.5 else
                              [f"{item}{i}" if isinstance(item, str) else i for i in range(n)])
        else:
            q.body = [q.body] * fit(min(n, 2000), len(q.body_bytes()) + 1)
        q.tags.append(f"body.long-array {n}")
        return
    if op == "wrap":
        q.body = rng.choice([[q.body], {"data": q.body}, [q.body, q.body]])
        q.tags.append("body.wrap")
        return
    if op == "big":
        n = rng.choice([1048576 - 200, 1048576, 1048577, 1500000])
        data = q.body_bytes()
        if rng.random() < 0.5 and isinstance(q.body, dict):
            pad = max(0, n - len(data) - 20)
            q.body = Raw(data[:1] + b'"pad":"' + b"p" * pad + b'",' + data[1:])
        else:
            q.body = Raw(data + b" " * max(0, n - len(data)))
        q.tags.append(f"body.big {n}")
        return
    if op == "whole":
        choices = [Raw(b""), Raw(b" "), Raw(b"null"), Raw(b"[]"), Raw(b"\"str\""), Raw(b"123"), Raw(b"true"),
                   Raw(b"{}"), Raw(b"\xef\xbb\xbf" + q.body_bytes()), Raw(q.body_bytes().decode("utf-8", "replace")
                                                                           .encode("utf-16")),
                   Raw(q.body_bytes() + q.body_bytes()), Raw(q.body_bytes() + b"}"),
                   Raw(q.body_bytes() + b"\x00"), Raw(b"\x00" * 64), Raw(b"\xff" * 64), Raw(b"{\"a\"}"),
                   Raw(b"/* c */" + q.body_bytes()), Raw(b"{'a': 1}"), Raw(b"a=1&b=2"), Raw(b"{" * 70000),
                   Raw(b"[" * 70000)]
        q.body = rng.choice(choices)
        q.tags.append("body.whole")
        return
    # raw: damage the serialized bytes
    data = q.body_bytes()
    how = rng.choice(["truncate", "bad-utf8", "control", "flip", "insert"])
    if how == "truncate" and len(data) > 1:
        data = data[:rng.randrange(1, len(data))]
    elif how == "bad-utf8":
        strings = [m.start() + 1 for m in re.finditer(rb'"[^"\\]{2,}"', data)]
        at = rng.choice(strings) if strings else rng.randrange(len(data) + 1)
        data = data[:at] + rng.choice([b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x80",
                                       b"\xc3", b"\xf0\x9f\x98", b"\xfe\xff"]) + data[at:]
    elif how == "control":
        strings = [m.start() + 1 for m in re.finditer(rb'"[^"\\]{2,}"', data)]
        at = rng.choice(strings) if strings else 0
        data = data[:at] + rng.choice([b"\x00", b"\x01", b"\n", b"\x7f", b"\\", b"\\u12", b"\\q"]) + data[at:]
    elif how == "flip" and data:
        at = rng.randrange(len(data))
        data = data[:at] + bytes([data[at] ^ (1 << rng.randrange(8))]) + data[at + 1:]
    else:
        at = rng.randrange(len(data) + 1)
        data = data[:at] + rng.choice([b",", b":", b"{", b"]", b'"', b"\\", b" ", b"null", b"\xff"]) + data[at:]
    q.body = Raw(data)
    q.tags.append(f"body.raw-{how}")


def mutate_path(rng, q, ctx):
    op = rng.choices(["param", "segment", "case", "slash", "extra", "drop", "long", "many", "dots"],
                     [40, 14, 8, 8, 6, 5, 5, 4, 4])[0]
    if op == "param" and q.params:
        i = rng.choice(list(q.params))
        kind = q.params[i]
        pool = list(GARBAGE_SEGMENTS)
        if kind in ("ol_id", "ol_sub"):
            pool += ID_SEGMENTS * 3 + [b(str(x)) for x in (ctx.ol_scope, ctx.ol_claim, ctx.ol_app, ctx.ol_server)]
        elif kind == "az_name":
            pool += AZ_NAMES * 2 + [b(ctx.az_server.upper()), b(ctx.az_server + "x")]
        elif kind == "az_svc":
            pool += AZ_SVCS * 2 + [b(ctx.az_svc.upper())]
        elif kind in ("az_sub", "az_rg"):
            pool += [b(ctx.az_sub.upper()), b(ctx.az_rg.lower()), b"other", b"%2E"]
        elif kind == "ven_op":
            pool += VEN_OPS * 3 + (VEN_DESTRUCTIVE * 2 if q.victim else [])
        v = rng.choice(pool)
        q.segs[i] = v
        q.tags.append(f"path.{kind}={clip(v, 24)}")
        return
    if op == "segment":
        i = rng.randrange(len(q.segs))
        v = rng.choice(GARBAGE_SEGMENTS)
        if rng.random() < 0.5:
            q.segs[i] = v
        else:
            q.segs[i] = q.segs[i] + v
        q.tags.append(f"path.segment[{i}]={clip(v, 24)}")
        return
    if op == "case":
        i = rng.randrange(len(q.segs))
        q.segs[i] = q.segs[i].swapcase() if rng.random() < 0.5 else q.segs[i].upper()
        q.tags.append("path.case")
        return
    if op == "slash":
        how = rng.choice(["trailing", "double", "leading", "encoded"])
        if how == "trailing":
            q.segs.append(b"")
        elif how == "double":
            q.segs.insert(rng.randrange(len(q.segs) + 1), b"")
        elif how == "leading":
            q.segs.insert(0, b"")
        else:
            i = rng.randrange(len(q.segs))
            q.segs[i] = q.segs[i] + b"%2F" + q.segs[i]
        q.tags.append(f"path.slash-{how}")
        return
    if op == "extra":
        q.segs.append(rng.choice([b"x", b"%FF", b"1", b"listSecrets", b"scopes", b"..", b"%00"]))
        q.tags.append("path.extra")
        return
    if op == "drop" and len(q.segs) > 1:
        i = rng.randrange(len(q.segs))
        q.segs.pop(i)
        q.params = {}
        q.tags.append("path.drop")
        return
    if op == "long":
        n = rng.choice([4000, 8200, 9000, 20000, 70000])
        i = rng.randrange(len(q.segs))
        q.segs[i] = q.segs[i] + rng.choice([b"a", b"%41", b"9"]) * (n // 3 if rng.random() < 0.3 else n)
        q.tags.append(f"path.long {n}")
        return
    if op == "many":
        q.segs += [b"s"] * rng.choice([10, 17, 100, 1000])
        q.tags.append("path.many")
        return
    i = rng.randrange(len(q.segs) + 1)
    q.segs.insert(i, rng.choice([b".", b"..", b"%2e", b"%2e%2e", b".%2e"]))
    q.tags.append("path.dots")


def mutate_query(rng, q):
    op = rng.choices(["api-version", "filter", "top-skip", "name", "junk", "drop-all", "raw"],
                     [20, 20, 14, 10, 18, 5, 8])[0]
    items = q.query if q.query is not None else []
    if op == "api-version":
        how = rng.choice(["drop", "value", "dup", "case", "bare"])
        items = [i for i in items if not i.lower().startswith(b"api-version")] if how != "dup" else items
        if how == "value":
            items.append(b"api-version=" + rng.choice(API_VERSIONS))
        elif how == "dup":
            items.append(b"api-version=" + rng.choice([API_VERSION, b"2021-01-01", b"%FF"]))
        elif how == "case":
            items.append(b"API-Version=" + API_VERSION)
        elif how == "bare":
            items.append(b"api-version")
        q.tags.append(f"query.api-version-{how}")
    elif op == "filter":
        items = [i for i in items if not i.startswith(b"$filter")]
        v = rng.choice(FILTERS)
        enc = v.replace(b" ", b"%20") if rng.random() < 0.7 else v.replace(b" ", b"+")
        items.append(rng.choice([b"$filter=", b"%24filter=", b"$FILTER="]) + enc)
        q.tags.append(f"query.$filter={clip(v, 30)}")
    elif op == "top-skip":
        k = rng.choice([b"$top", b"$skip"])
        items = [i for i in items if not i.startswith(k)]
        v = rng.choice(NUMBERS)
        items.append(k + b"=" + v)
        q.tags.append(f"query.{k.decode()}={clip(v, 20)}")
    elif op == "name":
        items = [i for i in items if not i.startswith(b"name=")]
        v = rng.choice([b"%FF", b"%00", b"%", b"%C3%A9", b"\xc3\xa9", b"'", b"%25", b"_", b"%5C", b"a" * 5000,
                        b"", b"%ED%A0%80", b"%C0%AF", b"+", b"%2B", b"\xff", b"%E2%82", b"%F0%9F%98%80"])
        items.append(b"name=" + v)
        q.tags.append(f"query.name={clip(v, 20)}")
    elif op == "junk":
        v = rng.choice(QUERY_JUNK)
        items.insert(rng.randrange(len(items) + 1), v)
        q.tags.append(f"query.junk={clip(v, 20)}")
    elif op == "drop-all":
        items = None
        q.tags.append("query.none")
    else:
        q.query = None
        q.target = q.request_target() + rng.choice([b"?", b"??", b"?&", b"#frag", b"?a=1#f", b"?%", b"?\xff",
                                                     b"?a=\x01", b"?" + b"a=1&" * 3000])
        q.tags.append("query.raw")
        return
    q.query = items


def mutate_headers(rng, q, ctx):
    ops = ["if-match", "content-type", "garbage", "dup", "drop", "case", "host"]
    weights = [16, 16, 22, 8, 8, 5, 6]
    if not q.locked:
        ops.append("auth")
        weights.append(30)
    op = rng.choices(ops, weights)[0]
    if op == "auth":
        v = garbage_auth(rng, ctx)
        q.set_header(b"Authorization", v)
        q.tags.append(f"header.auth={clip(v, 30) if v is not None else 'none'}")
    elif op == "if-match":
        v = rng.choice(IF_MATCH)
        if rng.random() < 0.2:
            q.headers.append([b"If-Match", v])
            q.headers.append([b"If-Match", b"*"])
        else:
            q.set_header(b"If-Match", v)
        q.tags.append(f"header.if-match={clip(v, 24)}")
    elif op == "content-type":
        v = rng.choice(CONTENT_TYPES)
        q.set_header(b"Content-Type", v)
        q.tags.append(f"header.content-type={clip(v, 30) if v is not None else 'none'}")
    elif op == "garbage":
        how = rng.choice(["huge", "highbyte", "badname", "nocolon", "fold", "nul", "many", "long-total",
                          "space-name", "xff", "empty-name", "underscore", "cr"])
        if how == "huge":
            q.headers.append([b"X-Huge", b"h" * rng.choice([4000, 8000, 8193, 16000, 40000])])
        elif how == "highbyte":
            q.headers.append([b"X-Bytes", rng.choice([b"\xff\xfe", b"\xc3\xa9", b"\xed\xa0\x80", b"\x80"])])
        elif how == "badname":
            q.headers.append([rng.choice([b"X(Bad)", b"X@y", b"X\xffY", b"X/Y", b"{}"]), b"v"])
        elif how == "nocolon":
            q.headers.append([None, b"NoColonHere"])
        elif how == "fold":
            q.headers.append([b"X-Fold", b"a\r\n folded"])
        elif how == "nul":
            q.headers.append([b"X-Nul", b"a\x00b"])
        elif how == "many":
            for i in range(rng.choice([50, 120, 300])):
                q.headers.append([b"X-H%d" % i, b"v"])
        elif how == "long-total":
            for i in range(rng.choice([6, 40])):
                q.headers.append([b"X-L%d" % i, b"l" * 1500])
        elif how == "space-name":
            q.headers.append([b"X Space", b"v"])
        elif how == "xff":
            q.headers.append([b"X-Forwarded-For", b"1.2.3.4, \xff"])
        elif how == "empty-name":
            q.headers.append([b"", b"v"])
        elif how == "underscore":
            q.headers.append([b"Content_Type", b"text/plain"])
        else:
            q.headers.append([b"X-Cr", b"a\rb"])
        q.tags.append(f"header.garbage-{how}")
    elif op == "dup":
        names = [h[0] for h in q.headers if h[0] is not None and not (q.locked and h[0].lower() == b"authorization")]
        if names:
            n = rng.choice(names)
            v = q.header(n) if rng.random() < 0.5 else b"other"
            if n.lower() == b"authorization" and v == b"other":
                v = garbage_auth(rng, ctx) or b"other"
            q.headers.append([n, v])
            q.tags.append(f"header.dup-{n.decode('latin-1').lower()}")
    elif op == "drop":
        names = [h[0] for h in q.headers if h[0] is not None and not (q.locked and h[0].lower() == b"authorization")]
        if names:
            n = rng.choice(names)
            q.drop_header(n)
            q.tags.append(f"header.drop-{n.decode('latin-1').lower()}")
    elif op == "case":
        for h in q.headers:
            if h[0] is not None and not (q.locked and h[0].lower() == b"authorization"):
                h[0] = h[0].upper() if rng.random() < 0.5 else h[0].lower()
        q.tags.append("header.case")
    else:
        how = rng.choice(["none", "dup", "garbage", "long"])
        if how == "none":
            q.host = False
        elif how == "dup":
            q.headers.append([b"Host", b"other.example"])
        elif how == "garbage":
            q.host = False
            q.headers.append([b"Host", rng.choice([b"\xff", b"a b", b"a/b", b"[::1", b"", b"..", b"a:b:c"])])
        else:
            q.host = False
            q.headers.append([b"Host", b"h" * 5000])
        q.tags.append(f"header.host-{how}")


def mutate_framing(rng, q):
    op = rng.choice(["cl-short", "cl-long", "cl-dup", "cl-dup-diff", "cl-bad", "cl-huge", "chunked", "chunked-bad",
                     "te-cl", "te-other", "expect", "keepalive", "body-on-get"])
    data = q.body_bytes()
    if data is None:
        data = b'{"a":1}'
        q.body = Raw(data)
    # Content-Length values are computed when the request is written (a later mutation may
    # still change the body): q.cl maps the body's length to the Content-Length headers.
    if op == "cl-short":
        k = rng.randrange(1, 10)
        q.cl = lambda n: [b"%d" % max(0, n - k)]
    elif op == "cl-long":
        k = rng.randrange(1, 1000)
        q.cl = lambda n: [b"%d" % (n + k)]
        q.incomplete = True
    elif op == "cl-dup":
        q.cl = lambda n: [b"%d" % n, b"%d" % n]
    elif op == "cl-dup-diff":
        q.cl = lambda n: [b"%d" % n, b"0"]
    elif op == "cl-bad":
        v = rng.choice([b"-1", b"abc", b"1 2", b"+%d", b"0x10", b" ", b"", b"99999999999999999999999", b"%d ",
                        b"0%d", b"1e2", b"\xff", b"%d, %d"])
        q.cl = lambda n: [v.replace(b"%d", b"%d" % n)]
        q.incomplete = True               # nginx may wait for a body it cannot size
    elif op == "cl-huge":
        q.body = Raw(b"")
        v = rng.choice([b"1048577", b"2000000", b"9223372036854775807"])
        q.cl = lambda n: [v]
        q.incomplete = True
    elif op == "chunked":
        q.chunked = rng.choice(["good", "ext", "trailer"])
    elif op == "chunked-bad":
        q.chunked = rng.choice(["truncated", "badsize", "huge", "negative", "nolast"])
        q.incomplete = q.chunked in ("truncated", "nolast")
    elif op == "te-cl":
        q.chunked = "good"
        q.cl = lambda n: [b"%d" % n]
    elif op == "te-other":
        q.cl = lambda n: []
        q.headers.append([b"Transfer-Encoding", rng.choice([b"gzip", b"chunked, gzip", b"identity", b"Chunked",
                                                            b"chunked\xff", b"x"])])
        q.incomplete = True
    elif op == "expect":
        q.headers.append([b"Expect", rng.choice([b"100-continue", b"garbage", b"100-Continue"])])
    elif op == "keepalive":
        q.close = False
        q.version = rng.choice([b"HTTP/1.1", b"HTTP/1.0"])
    else:
        q.method = b"GET" if q.method != b"GET" else b"DELETE" if q.victim else b"OPTIONS"
    q.tags.append(f"framing.{op}")


def mutate_method(rng, q):
    pool = [m for m in METHODS] + ([b"DELETE"] * 3 if q.victim else [])
    q.method = rng.choice(pool)
    q.tags.append(f"method={clip(q.method, 16)}")


def mutate_line(rng, q):
    op = rng.choice(["version", "absolute", "no-slash", "fragment", "space", "tab", "lf", "leading-crlf",
                     "raw-high", "raw-control", "star"])
    t = q.request_target()
    if op == "version":
        q.version = rng.choice(VERSIONS)
        if q.version in (b"HTTP/1.0", b"HTTP/0.9", b""):
            q.close = q.version != b""
    elif op == "absolute":
        q.target = rng.choice([b"http://127.0.0.1", b"https://127.0.0.1", b"http://other.example", b"ftp://x",
                               b"http://[::1]", b"http://\xff"]) + t
    elif op == "no-slash":
        q.target = t.lstrip(b"/")
    elif op == "fragment":
        q.target = t + b"#" + rng.choice([b"frag", b"\xff", b"%FF"])
    elif op == "space":
        q.target = t.replace(b"/", b"/ ", 1) if rng.random() < 0.5 else t + b" x"
    elif op == "tab":
        q.target = t + b"\t"
    elif op == "lf":
        q.line_end = b"\n"
    elif op == "leading-crlf":
        q.prefix = rng.choice([b"\r\n", b"\r\n\r\n", b"\n", b" "])
    elif op == "raw-high":
        q.target = t + rng.choice([b"\xff", b"\xc3\xa9", b"\x80\x80", b"\xed\xa0\x80"])
    elif op == "raw-control":
        q.target = t + rng.choice([b"\x00", b"\x01", b"\x7f", b"\x1b[0m", b"\r"])
    else:
        q.target = b"*"
    q.tags.append(f"line.{op}")


def mutate(rng, q, ctx):
    n = rng.choices([0, 1, 2, 3], [6, 55, 28, 11])[0]
    if n == 0:
        q.tags.append("unmutated")
    for _ in range(n):
        area = rng.choices(["path", "query", "headers", "body", "framing", "method", "line"],
                           [22, 14 if q.query is not None else 6, 22, 26 if q.body is not NOBODY else 6,
                            6, 5, 5])[0]
        if area == "path":
            mutate_path(rng, q, ctx)
        elif area == "query":
            mutate_query(rng, q)
        elif area == "headers":
            mutate_headers(rng, q, ctx)
        elif area == "body":
            mutate_body(rng, q)
        elif area == "framing":
            mutate_framing(rng, q)
        elif area == "method":
            mutate_method(rng, q)
        else:
            mutate_line(rng, q)
    if rng.random() < 0.2:
        q.tls = True
    if q.tls and q.incomplete:
        q.tls = False                     # a half-close is plain TCP only
    if q.method == b"DELETE" and not q.victim:
        q.method = b"GET"                 # fixtures stay alive: only victims are deleted


# ---------------------------------------------------------------- fixed wire-level probes

def probes(ctx, wire):
    """(label, bytes, options) sent once, in this order, before the random mutations."""
    H = wire.host_header(False)
    tok = b(ctx.token)
    az = b"/" + b"/".join(az_segs(ctx, ctx.az_server)[0])
    azl = b"/" + b"/".join(az_segs(ctx)[0])
    ol = b"/api/2/api_authorizations"
    C = b"Connection: close\r\n"
    A = b"Authorization: Bearer " + tok + b"\r\n"
    J = b"Content-Type: application/json\r\n"

    def get(target, extra=b"", method=b"GET", version=b"HTTP/1.1"):
        return method + b" " + target + b" " + version + b"\r\nHost: " + H + b"\r\n" + extra + C + b"\r\n"

    def post(target, body, extra=b"", method=b"POST"):
        return (method + b" " + target + b" HTTP/1.1\r\nHost: " + H + b"\r\n" + A + J + extra +
                b"Content-Length: %d\r\n" % len(body) + C + b"\r\n" + body)
    P = []

    def add(label, data, **opt):
        P.append((label, data, opt))
    # request lines
    add("line: method only", b"GET\r\n\r\n", half_close=True)
    add("line: HTTP/0.9", b"GET /healthz\r\n")
    add("line: HTTP/0.9 unknown path", b"GET /nope\r\n")
    add("line: extra token", b"GET /healthz HTTP/1.1 extra\r\nHost: x\r\n" + C + b"\r\n")
    add("line: double space", b"GET  /healthz HTTP/1.1\r\nHost: x\r\n" + C + b"\r\n")
    for v in [b"http/1.1", b"HTTP/2.0", b"HTTP/1.2", b"HTTP/9.9", b"HTTP/1.10", b"HTTP/01.1", b"HTTPS/1.1",
              b"HTTP/1"]:
        add(f"line: version {v.decode()}", get(b"/healthz", version=v))
    add("line: lower-case method", get(b"/healthz", method=b"get"))
    add("line: TLS hello on the http port", b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03" + b"\x00" * 40)
    add("line: NUL in target", get(b"/heal\x00thz"))
    add("line: tab separator", b"GET /healthz\tHTTP/1.1\r\nHost: x\r\n" + C + b"\r\n")
    add("line: LF only", b"GET /healthz HTTP/1.1\nHost: x\nConnection: close\n\n")
    add("line: CR only", b"GET /healthz HTTP/1.1\rHost: x\r\r", half_close=True)
    add("line: leading CRLFs", b"\r\n\r\n" + get(b"/healthz"))
    add("line: OPTIONS *", get(b"*", method=b"OPTIONS"))
    add("line: no leading slash", get(b"healthz"))
    add("line: absolute-form", get(b"http://127.0.0.1" + ol, A))
    add("line: absolute-form other host", get(b"http://other.example/healthz"))
    add("line: fragment", get(b"/healthz#frag"))
    add("line: space in target", get(b"/api/2/api authorizations", A))
    add("line: raw 0xFF in target", get(b"/api/2/api_authorizations/\xff", A))
    add("line: raw UTF-8 in target", get(b"/api/2/api_authorizations/\xc3\xa9", A))
    add("line: dot-dot above root", get(b"/../../etc/passwd"))
    add("line: encoded dot-dot", get(b"/api/%2e%2e/%2e%2e/healthz"))
    add("line: garbage bytes", b"\xff\xfe\xfd\r\n\r\n", half_close=True)
    add("line: empty", b"\r\n\r\n", half_close=True)
    # methods
    for m in [b"TRACE", b"FOO", b"PROPFIND", b"M-SEARCH", b"X" * 200, b"G\xc3\x89T", b"PATCH", b"OPTIONS"]:
        add(f"method: {clip(m, 12)[2:-1]} /healthz", get(b"/healthz", method=m))
    add("method: CONNECT", b"CONNECT 127.0.0.1:80 HTTP/1.1\r\nHost: 127.0.0.1:80\r\n" + C + b"\r\n")
    for path in [ol, ol + b"/1", azl + b"?api-version=2022-08-01", b"/vedsdk/oauth/GetScopes",
                 b"/vedauth/authorize/verify", b"/auth/oauth2/v2/token"]:
        p = short_pattern(path.decode("latin-1").replace(ctx.az_sub, ":sub").replace(ctx.az_rg, ":rg")
                          .replace(ctx.az_svc, ":svc"))
        add(f"method: TRACE {p}", get(path, A, method=b"TRACE"))
        add(f"method: OPTIONS {p}", get(path, A, method=b"OPTIONS"))
        add(f"method: HEAD {p}", get(path, A, method=b"HEAD"))
    add("method: HEAD azure server", get(az + b"?api-version=2022-08-01", A, method=b"HEAD"))
    add("method: HEAD azure server, no api-version", get(az, A, method=b"HEAD"))
    # overlong URIs
    add("uri: 9 KiB query", get(ol + b"?name=" + b"a" * 9000, A))
    add("uri: 9 KiB path", get(ol + b"/" + b"1" * 9000, A))
    add("uri: 70 KiB", get(b"/healthz?" + b"a" * 70000))
    add("uri: 8 KiB exactly", get(b"/healthz?" + b"a" * (8192 - 30)))
    # the known invalid-UTF-8 cases
    add("utf8: ?name=%FF", get(ol + b"?name=%FF", A))
    add("utf8: ?name=%C0%AF", get(ol + b"?name=%C0%AF", A))
    add("utf8: ?name=%00", get(ol + b"?name=%00", A))
    add("utf8: azure sub %FF", get(azl.replace(b(ctx.az_sub), b"a%FF") + b"?api-version=2022-08-01", A))
    add("utf8: azure name %FF", get(azl + b"/%FF?api-version=2022-08-01", A))
    add("utf8: azure name %00", get(azl + b"/a%00b?api-version=2022-08-01", A))
    add("utf8: api-version=%FF", get(azl + b"?api-version=%FF", A))
    add("utf8: $filter=%FF", get(azl + b"?api-version=2022-08-01&$filter=name%20eq%20'%FF'", A))
    add("utf8: POST /vedsdk/oauth/%FF", post(b"/vedsdk/oauth/%FF", b"{}"))
    add("utf8: POST /vedsdk/oauth/%00", post(b"/vedsdk/oauth/%00", b"{}"))
    add("utf8: OneLogin id %FF", get(ol + b"/%FF", A))
    add("utf8: Authorization 0xFF", get(ol, b"Authorization: Bearer \xff\xfe\r\n"))
    add("utf8: body 0xFF", post(ol, b'{"name":"\xff","configuration":{"resource_identifier":"urn:x",'
                                     b'"audiences":["a"]}}'))
    add("utf8: If-Match 0xFF", post(az + b"?api-version=2022-08-01", b'{"properties":{}}',
                                    b'If-Match: "\xff"\r\n', method=b"PATCH"))
    # headers
    add("header: no Host", b"GET /healthz HTTP/1.1\r\n" + C + b"\r\n")
    add("header: two Hosts", b"GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n" + C + b"\r\n")
    add("header: Host 0xFF", b"GET /healthz HTTP/1.1\r\nHost: \xff\r\n" + C + b"\r\n")
    add("header: Host with space", b"GET /healthz HTTP/1.1\r\nHost: a b\r\n" + C + b"\r\n")
    add("header: one 9 KiB header", get(b"/healthz", b"X-Big: " + b"b" * 9000 + b"\r\n"))
    add("header: 40 KiB of headers", get(b"/healthz", b"".join(b"X-H%d: %s\r\n" % (i, b"h" * 1000)
                                                                for i in range(40))))
    add("header: 9 KiB Authorization", get(ol, b"Authorization: Bearer " + b"a" * 9000 + b"\r\n"))
    add("header: line without colon", get(b"/healthz", b"NoColon\r\n"))
    add("header: space in name", get(b"/healthz", b"Bad Name: x\r\n"))
    add("header: obs-fold", get(b"/healthz", b"X-A: a\r\n folded\r\n"))
    add("header: NUL in value", get(b"/healthz", b"X-A: a\x00b\r\n"))
    add("header: 0xFF in name", get(b"/healthz", b"X-\xff: a\r\n"))
    add("header: two Authorization", get(ol, A + b"Authorization: Bearer garbage\r\n"))
    add("header: 200 headers", get(b"/healthz", b"".join(b"X-N%d: v\r\n" % i for i in range(200))))
    # framing
    body = b'{"grant_type":"client_credentials"}'
    tkn = b"/auth/oauth2/v2/token"
    fake = b"Basic " + base64.b64encode(b"00000000000000000000000000000000:x") + b"\r\n"
    add("framing: two equal Content-Length", b"POST " + tkn + b" HTTP/1.1\r\nHost: x\r\nAuthorization: " + fake + J +
        b"Content-Length: %d\r\nContent-Length: %d\r\n" % (len(body), len(body)) + C + b"\r\n" + body)
    add("framing: two different Content-Length", b"POST " + tkn + b" HTTP/1.1\r\nHost: x\r\n" + J +
        b"Content-Length: %d\r\nContent-Length: 3\r\n" % len(body) + C + b"\r\n" + body)
    for v in [b"-1", b"abc", b"99999999999999999999", b"1 2", b"+35"]:
        add(f"framing: Content-Length {v.decode()}", b"POST " + tkn + b" HTTP/1.1\r\nHost: x\r\n" + J +
            b"Content-Length: " + v + b"\r\n" + C + b"\r\n" + body, half_close=True)
    add("framing: Content-Length and chunked", b"POST " + tkn + b" HTTP/1.1\r\nHost: x\r\n" + J +
        b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n" + C + b"\r\n" + chunk(body, "good"))
    add("framing: chunked", post(ol, b"", b"Transfer-Encoding: chunked\r\n").replace(b"Content-Length: 0\r\n", b"")
        + chunk(b'{"name":"x"}', "good"))
    add("framing: chunked, bad size", post(ol, b"", b"Transfer-Encoding: chunked\r\n")
        .replace(b"Content-Length: 0\r\n", b"") + chunk(b'{"name":"x"}', "badsize"))
    add("framing: chunked, 2^72 size", post(ol, b"", b"Transfer-Encoding: chunked\r\n")
        .replace(b"Content-Length: 0\r\n", b"") + chunk(b'{"name":"x"}', "huge"))
    add("framing: chunked over 1 MiB", post(ol, b"", b"Transfer-Encoding: chunked\r\n")
        .replace(b"Content-Length: 0\r\n", b"") + chunk(b" " * 1100000, "good"))
    add("framing: Transfer-Encoding gzip", b"POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n" + C +
        b"\r\n", half_close=True)
    add("framing: Content-Length 2 MB, no body", b"POST " + ol + b" HTTP/1.1\r\nHost: x\r\n" + A + J +
        b"Content-Length: 2000000\r\n" + C + b"\r\n", half_close=True)
    add("framing: 1 MiB + 1 body", post(ol, b"{" + b" " * 1048575 + b"}"))
    add("framing: Expect 100-continue", post(ol, b'{"name":"x"}', b"Expect: 100-continue\r\n"))
    add("framing: Expect garbage", post(ol, b'{"name":"x"}', b"Expect: garbage\r\n"))
    add("framing: body on GET", b"GET " + ol + b" HTTP/1.1\r\nHost: x\r\n" + A + J + b"Content-Length: 2\r\n" + C +
        b"\r\n{}")
    add("framing: short body, keep-alive", b"POST " + ol + b" HTTP/1.1\r\nHost: x\r\n" + A + J +
        b"Content-Length: 5\r\n\r\n{}", half_close=True)
    add("framing: pipelined two requests", b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /readyz HTTP/1.1\r\n"
        b"Host: x\r\n" + C + b"\r\n")
    # throttling: one unknown client id failing 13 times in a row gets 429 with Retry-After
    thr = b(f"{ctx.tag:0>12}" + "7" * 20)
    for i in range(13):
        add(f"throttle: unknown client, login {i + 1}", b"POST " + tkn + b" HTTP/1.1\r\nHost: x\r\n" + J +
            b"Authorization: Basic " + base64.b64encode(thr + b":wrong") + b"\r\nContent-Length: %d\r\n" % len(body) +
            C + b"\r\n" + body)
    # the TLS port
    add("tls: plain HTTP to the https port", get(b"/healthz"), plain_to_tls_port=True)
    add("tls: TRACE over https", get(b"/healthz", method=b"TRACE"), tls=True)
    add("tls: bad request line over https", b"GET\r\n\r\n", tls=True)
    add("tls: 9 KiB URI over https", get(b"/healthz?" + b"a" * 9000), tls=True)
    add("tls: ?name=%FF over https", get(ol + b"?name=%FF", A), tls=True)
    return P


# ---------------------------------------------------------------- the run

class Group:
    def __init__(self):
        self.count = 0
        self.examples = []
        self.tags = collections.Counter()
        self.prefixes = collections.Counter()


class Run:
    def __init__(self, args, env, wire, ctx):
        self.args, self.env, self.wire, self.ctx = args, env, wire, ctx
        self.lock = threading.Lock()
        self.sent = 0
        self.by_status = collections.Counter()
        self.info = collections.Counter()
        self.groups = collections.OrderedDict()
        self.skipped_unsafe = 0
        self.in_flight = {}
        self.recent = collections.deque(maxlen=40)
        self.verbose = False
        self.tls_sent = 0
        self.setup_failures = 0
        self.setup_failed = []
        self._etag = None

    # -- sending and judging

    def safe(self, data):
        """Never send the admin client id with anything but its exact secret (10 failures lock it)."""
        c = self.ctx
        ids = [data.count(b(c.admin_id))]
        for m in re.finditer(rb"[Bb][Aa][Ss][Ii][Cc] +([A-Za-z0-9+/=]+)", data):
            try:
                if b(c.admin_id) in base64.b64decode(m.group(1) + b"==", validate=False):
                    ids.append(1)
            except ValueError:
                pass
        if sum(ids) == 0:
            return True
        whole_basic = b"Basic " + base64.b64encode(b(f"{c.admin_id}:{c.admin_secret}"))
        pair = b(f"client_id:{c.admin_id}, client_secret:{c.admin_secret}")
        heads = re.findall(rb"(?im)^authorization:[ \t]*([^\r\n]*)", data)
        return (len(heads) == 1 and heads[0].strip() in (whole_basic, pair)
                and data.count(b(c.admin_id)) == (1 if heads[0].strip() == pair else 0))

    def send(self, q, case_id, check=True):
        host = self.wire.host_header(q.tls)
        data = q.to_bytes(host)
        return self.send_raw(data, case_id, q.tags, tls=q.tls, half_close=q.incomplete, check=check,
                             method=q.method, target=q.request_target() if q.raw is None else None,
                             seed=q.seed, incomplete=q.incomplete)

    def send_raw(self, data, case_id, tags, tls=False, half_close=False, check=True, method=None, target=None,
                 seed="", incomplete=False, plain_to_tls_port=False):
        if not self.safe(data):
            with self.lock:
                self.skipped_unsafe += 1
            return None
        lm, lt, well_formed = request_line(data)
        if method is None or target is None:
            method, target = lm, lt
        # nginx knows a HEAD from its first token and then sends no body, even for a broken line
        head = lm == b"HEAD"
        key = object()
        with self.lock:
            self.in_flight[key] = (case_id, data[:2048], time.monotonic())
        resp = self.wire.exchange(data, tls=tls, head=head, half_close=half_close, plain_to_tls_port=plain_to_tls_port)
        if resp.error == "timeout" and not (incomplete or half_close):
            # a stall of this process (or of the shared machine) must not pass for a hang: ask again
            again = self.wire.exchange(data, tls=tls, head=head, half_close=half_close,
                                       plain_to_tls_port=plain_to_tls_port)
            if again.error != "timeout":
                with self.lock:
                    self.info["timeout not reproduced"] += 1
                resp = again
        kinds, info = judge(b"HEAD" if head else method if well_formed else b"?", target, resp,
                            incomplete or half_close)
        # a keep-alive answer to a pipelined request is judged too
        extra = []
        if resp.extra.startswith(b"HTTP/") and not head:
            r2 = parse_response(resp.extra, False, True)
            k2, _ = judge(b"GET", b"/", r2, True)
            extra = k2
        with self.lock:
            del self.in_flight[key]
            self.sent += 1
            if tls:
                self.tls_sent += 1
            self.recent.append((time.monotonic(), case_id, data[:2048]))
            label = str(resp.status) if resp.status is not None else ("HTTP/0.9" if resp.http09 else
                                                                      (resp.error or "no response"))
            self.by_status[label] += 1
            if b"<center>nginx</center>" in resp.body or (resp.header("content-type") or b"").startswith(b"text/html"):
                self.info["answered by nginx itself (HTML)"] += 1
            if info:
                self.info[info] += 1
            if check and (kinds or extra):
                self.violation(kinds + [k + " (2nd response)" for k in extra], method, target, well_formed,
                               data, resp, case_id, tags, seed)
        if self.verbose:
            print(f"--- case {case_id}: {tags}\n>>> {clip(data, 4000)}\n<<< {resp.status} {resp.reason!r} "
                  f"{resp.headers}\n<<< {clip(resp.body, 2000)} {resp.error or ''}\n    verdict: {kinds or 'ok'}")
        return resp

    def violation(self, kinds, method, target, well_formed, data, resp, case_id, tags, seed):
        path = split_target(target) if target else ""
        nginx = b"<center>nginx</center>" in resp.body or (resp.header("content-type") or b"").startswith(b"text/html")
        if not well_formed or not path.startswith("/"):
            route = "malformed request (nginx)" if nginx else "malformed request"
        elif nginx:
            route = "nginx error page"
        else:
            route = route_label(method.decode("latin-1"), path)
        status = str(resp.status) if resp.status is not None else ("HTTP/0.9" if resp.http09 else "-")
        key = (status, ", ".join(kinds), route)
        g = self.groups.get(key)
        if g is None:
            g = self.groups[key] = Group()
        g.count += 1
        g.prefixes[prefix_of(path) if path.startswith("/") else "(none)"] += 1
        for t in tags or ["(fixed probe)"]:
            g.tags[t] += 1
        if len(g.examples) < self.args.examples:
            g.examples.append({
                "case": case_id, "seed": seed, "mutations": list(tags),
                "request": clip(data, 700),
                "response": {"status": resp.status, "reason": resp.reason.decode("latin-1"),
                             "headers": [[n, v.decode("latin-1")[:200]] for n, v in resp.headers],
                             "body": clip(resp.body, 400), "extra": clip(resp.extra, 200) if resp.extra else "",
                             "error": resp.error, "elapsed": round(resp.elapsed, 3)}})

    def record(self, kind, route, detail):
        with self.lock:
            key = ("-", kind, route)
            g = self.groups.get(key) or Group()
            self.groups[key] = g
            g.count += 1
            if len(g.examples) < self.args.examples:
                g.examples.append(detail)

    # -- helpers for builders

    def setup(self, q):
        """A valid request a case needs first (a victim to delete); its JSON answer or {}."""
        resp = self.send(q, "setup", check=True)
        if resp is None or resp.status is None or resp.status >= 300:
            with self.lock:
                self.setup_failures += 1
                if len(self.setup_failed) < 5:
                    self.setup_failed.append(f"{clip(q.to_bytes(b'h').split(b' HTTP/')[0], 120)} -> "
                                             f"{resp.status if resp else 'not sent'} "
                                             f"{clip(resp.body, 200) if resp else ''}")
            return {}
        try:
            out = strict_json(resp.body)
            return out if isinstance(out, dict) else {}
        except ValueError:
            return {}

    def mint_token(self):
        c = self.ctx
        q = Req(b"POST", [b"auth", b"oauth2", b"v2", b"token"],
                headers=[[b"Authorization", b"Basic " + base64.b64encode(b(f"{c.admin_id}:{c.admin_secret}"))],
                         [b"Content-Type", b"application/json"]], body={"grant_type": "client_credentials"})
        return self.setup(q).get("access_token")

    def client_token(self, segs):
        """A token of the fixture client from the token endpoint at segs (for introspection)."""
        c = self.ctx
        q = Req(b"POST", segs, body=NOBODY)
        q.form = [[b"grant_type", b"client_credentials"], [b"resource", oauth_resource(c)]]
        q.set_header(b"Authorization", b"Basic " + base64.b64encode(b(f"{c.client_id}:{c.client_secret}")))
        q.set_header(b"Content-Type", b"application/x-www-form-urlencoded")
        return self.setup(q).get("access_token")

    def etag(self):
        c = self.ctx
        resp = self.send(Req(b"HEAD", *az_segs(c, c.az_server), query=[b"api-version=" + API_VERSION],
                             headers=bearer(c)), "setup")
        return resp.header("etag") if resp is not None and resp.status == 200 else None


def read_env(var):
    env = {}
    with open(os.path.join(var, "authzd.env")) as f:
        for line in f:
            line = line.strip()
            if line.startswith("export "):
                k, _, v = line[7:].partition("=")
                env[k] = shlex.split(v)[0] if v else ""
    return env


def workers_of(pid):
    kids = set()
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                kids |= {int(x) for x in f.read().split()}
        return kids
    except OSError:
        pass
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid and fields[0] != "Z":
                    kids.add(int(d))
            except (OSError, IndexError, ValueError):
                pass
    return kids


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class Monitor(threading.Thread):
    """Lists the supervisor's children twice a second; a child that vanished is a crash."""

    def __init__(self, run, sup):
        super().__init__(daemon=True)
        self.run_, self.sup = run, sup
        self.stop = threading.Event()
        self.before = workers_of(sup)
        self.seen = set(self.before)
        self.current = set(self.before)
        self.died = []
        self.sup_died = False

    def poll(self):
        if not alive(self.sup):
            if not self.sup_died:
                self.sup_died = True
                self.run_.record("supervisor-died", "authzd", {"pid": self.sup, "at": time.strftime("%H:%M:%S")})
            return
        now = workers_of(self.sup)
        gone = self.current - now
        for pid in sorted(gone):
            with self.run_.lock:
                flight = [(c, clip(d, 300)) for c, d, _ in self.run_.in_flight.values()]
                t = time.monotonic()
                recent = [(c, clip(d, 300)) for ts, c, d in self.run_.recent if t - ts < 1.5]
            self.died.append(pid)
            self.run_.record("worker-died", "authzd worker", {
                "pid": pid, "at": time.strftime("%H:%M:%S"), "in_flight": flight[:10], "recent": recent[-10:]})
        self.seen |= now
        self.current = now

    def run(self):
        while not self.stop.wait(0.5):
            self.poll()


def fixtures(run, ctx, args):
    """Real objects for the mutations to hit; raises on any failure (the run cannot go on)."""
    def must(q, want, what):
        resp = run.send(q, "fixture", check=True)
        if resp is None or resp.status not in want:
            raise SystemExit(f"mutation: cannot create the fixture {what}: "
                             f"{resp.status if resp else 'unsafe'} {clip(resp.body if resp else b'', 300)}")
        try:
            return strict_json(resp.body) if resp.body else {}
        except ValueError:
            return {}
    rng = random.Random(f"{args.seed}/fixtures")
    tok = run.mint_token()
    if not tok:
        raise SystemExit("mutation: no management token from POST /auth/oauth2/v2/token with the admin credential")
    ctx.token = tok
    REDACT.append((b(tok), b"<admin-token>"))
    ctx.ol_server = must(Req(b"POST", [b"api", b"2", b"api_authorizations"], headers=json_headers(ctx),
                             body=ol_server_body(rng, ctx.tag)), (201,), "OneLogin server")["id"]
    ctx.ol_scope = must(Req(b"POST", *ol_path(ctx.ol_server, "scopes"), headers=json_headers(ctx),
                            body={"value": f"mut:{ctx.tag}:read", "description": "read"}), (200, 201), "scope")["id"]
    ctx.ol_claim = must(Req(b"POST", *ol_path(ctx.ol_server, "claims"), headers=json_headers(ctx),
                            body={"name": f"email{ctx.tag}", "user_attribute_mappings": "email"}), (200, 201),
                        "claim")["id"]
    ctx.ol_app = must(Req(b"POST", [b"api", b"2", b"apps"], headers=json_headers(ctx),
                          body={"name": f"mut app {ctx.tag}", "description": "linked"}), (201,), "app")["id"]
    # two clients of the token service, apart from the apps other seeds write: the first one's
    # credentials stay intact, the second's the mutations may garble (and so throttle)
    for n in (1, 2):
        app = must(Req(b"POST", [b"api", b"2", b"apps"], headers=json_headers(ctx),
                       body={"name": f"mut token client {n} {ctx.tag}", "description": "token service"}), (201,),
                   f"token client {n}")
        setattr(ctx, f"client{n if n > 1 else ''}_id", app["sso"]["client_id"])
        setattr(ctx, f"client{n if n > 1 else ''}_secret", app["sso"]["client_secret"])
        REDACT.append((b(app["sso"]["client_secret"]), b(f"<client-{n}-secret>")))
        must(Req(b"POST", *ol_path(ctx.ol_server, "clients"), headers=json_headers(ctx),
                 body={"app_id": app["id"], "scopes": [ctx.ol_scope]}), (200, 201), f"token client {n} link")
    ctx.ol_app2 = must(Req(b"POST", [b"api", b"2", b"apps"], headers=json_headers(ctx),
                           body={"name": f"mut app2 {ctx.tag}", "description": "unlinked"}), (201,), "app 2")["id"]
    must(Req(b"POST", *ol_path(ctx.ol_server, "clients"), headers=json_headers(ctx),
             body={"app_id": ctx.ol_app, "scopes": [ctx.ol_scope]}), (200, 201), "client link")
    ctx.az_sub, ctx.az_rg, ctx.az_svc, ctx.az_server = f"mut-sub-{ctx.tag}", "mut-rg", f"mutsvc-{ctx.tag}", "mut-srv"
    must(Req(b"PUT", *az_segs(ctx, ctx.az_server), query=[b"api-version=" + API_VERSION], headers=json_headers(ctx),
             body=az_body(rng)), (200, 201), "Azure server")
    # two applications: one for /vedsdk to mutate, one that only /vedauth uses (its scopes stay put)
    ctx.ven_app, ctx.ven_auth_app = f"mut-{ctx.tag}", f"mut-{ctx.tag}-auth"
    for app in (ctx.ven_app, ctx.ven_auth_app):
        res = must(venafi_create(ctx, rng, app), (200,), "Venafi application")
        if res.get("Result") != 0:
            raise SystemExit(f"mutation: Venafi CreateApplication refused: {res}")
    ctx.ven_user = ctx.ven_password = None
    if args.authzctl:
        user, pw = f"mut-user-{ctx.tag}", f"mut-pw-{ctx.tag}"
        cmd = [args.authzctl] + (["-c", run.env["AUTHZD_CONFIG"]] if run.env.get("AUTHZD_CONFIG") else []) + [
            "identities", "create", "--tenant", "default", "--username", user, "--max-scope",
            "admin;certificate:manage", "--password-stdin"]
        p = subprocess.run(cmd, input=pw + "\n", capture_output=True, text=True)
        if p.returncode != 0:
            raise SystemExit(f"mutation: authzctl identities create failed: {p.stderr.strip()}")
        ctx.ven_user, ctx.ven_password = user, pw
        res = must(Req(b"POST", [b"vedauth", b"authorize", b"oauth"], headers=[[b"Content-Type", b"application/json"]],
                       body={"client_id": ctx.ven_auth_app, "username": user, "password": pw,
                             "scope": "admin;certificate:manage"}), (200,), "Venafi token")
        ctx.vtoken = res["access_token"]
        REDACT.append((b(ctx.vtoken), b"<venafi-token>"))


def venafi_create(ctx, rng, app):
    return Req(b"POST", [b"vedsdk", b"oauth", b"CreateApplication"], params={2: "ven_op"},
               headers=json_headers(ctx), body=ven_app_body(rng, app))


def make_case(seeds, case_no, ctx, args):
    rng = random.Random(f"{args.seed}/{case_no}")
    name, fn = seeds.pick(rng)
    q = fn(rng)
    q.seed = name
    mutate(rng, q, ctx)
    return q


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--var", required=True, help="state directory of a running stack (authzd.env, run/, log/)")
    ap.add_argument("--duration", type=float, help="seconds of traffic (default 30 unless --requests)")
    ap.add_argument("--requests", type=int, help="stop after this many mutated cases (the fixed probes come on top)")
    ap.add_argument("--seed", type=int, help="random seed (default: from the clock; always printed)")
    ap.add_argument("--out", help="write a JSON summary here")
    ap.add_argument("--concurrency", type=int, default=3, help="parallel connections (default 3)")
    ap.add_argument("--examples", type=int, default=3, help="examples kept a group (default 3)")
    ap.add_argument("--authzctl", help="authzctl binary: makes a Venafi identity so /vedauth gets real tokens")
    ap.add_argument("--replay", action="append", metavar="CASE",
                    help="send only this case (a number, or pN for fixed probe N), verbosely; repeatable")
    ap.add_argument("--no-probes", action="store_true", help="skip the fixed wire-level probes")
    args = ap.parse_args()
    if args.seed is None:
        args.seed = int(time.time() * 1000) % 1000000
    if args.duration is None and args.requests is None:
        args.duration = 30.0
    t_start = time.monotonic()
    var = os.path.abspath(args.var)
    try:
        env = read_env(var)
        wire = Wire(env)
        with open(os.path.join(var, "admin-credential.json")) as f:
            cred = json.load(f)
        with open(os.path.join(var, "run", "authzd.pid")) as f:
            sup = int(f.read().strip())
    except (OSError, KeyError, ValueError) as e:
        print(f"mutation: cannot read the stack in {var}: {e}", file=sys.stderr)
        return 2
    if not alive(sup):
        print(f"mutation: authzd supervisor {sup} is not running", file=sys.stderr)
        return 2
    log_path = os.path.join(var, "log", "authzd.log")
    log_start = os.path.getsize(log_path) if os.path.exists(log_path) else 0

    ctx = Ctx()
    ctx.admin_id, ctx.admin_secret = cred["client_id"], cred["client_secret"]
    REDACT.extend([(base64.b64encode(b(f"{ctx.admin_id}:{ctx.admin_secret}")), b"<admin-basic>"),
                   (b(ctx.admin_secret), b"<admin-secret>")])
    ctx.tag = format(int(time.time() * 1000) % 10 ** 10, "x")
    ctx.hot_fake = "%032x" % random.Random(f"{args.seed}/hot").getrandbits(128)
    run = Run(args, env, wire, ctx)
    print(f"mutation: seed {args.seed} (the same run: --seed {args.seed}; one case: add --replay N, or pN for "
          "a fixed probe); "
          f"run tag {ctx.tag}; {env['AUTHZD_URL']} and {env['AUTHZD_HTTPS_URL']}")
    monitor = Monitor(run, sup)
    print(f"mutation: supervisor {sup}, workers {sorted(monitor.before)}")
    try:
        fixtures(run, ctx, args)
    except SystemExit as e:
        print(e, file=sys.stderr)
        return 2
    seeds = Seeds(ctx, run)
    print(f"mutation: fixtures: OneLogin server {ctx.ol_server} (scope {ctx.ol_scope}, claim {ctx.ol_claim}, "
          f"client app {ctx.ol_app}), app {ctx.ol_app2}, Azure {ctx.az_sub}/{ctx.az_rg}/{ctx.az_svc}/{ctx.az_server}, "
          f"Venafi applications {ctx.ven_app} and {ctx.ven_auth_app}" + (f", identity {ctx.ven_user}" if ctx.ven_user else
                                                 " (no identity: pass --authzctl)"))
    if args.replay:
        run.verbose = True
        plist = probes(ctx, wire)
        for n in args.replay:
            if n.startswith("p"):
                label, data, opt = plist[int(n[1:])]
                run.send_raw(data, n, [f"probe: {label}"], tls=opt.get("tls", False),
                             half_close=opt.get("half_close", False),
                             plain_to_tls_port=opt.get("plain_to_tls_port", False))
            else:
                run.send(make_case(seeds, int(n), ctx, args), int(n))
        print_report(run, monitor, args, time.monotonic() - t_start, {}, log_path, log_start)
        return 1 if run.groups else 0

    monitor.start()
    # every seed once, unmutated: they must be valid for the mutations to mean anything
    seed_status = {}
    rng = random.Random(f"{args.seed}/seeds")
    for name, _, fn in seeds.all:
        q = fn(rng)
        q.seed = name
        q.tags.append("seed")
        resp = run.send(q, "seed")
        st = resp.status if resp is not None else None
        seed_status[name] = {"status": st, "expected": list(q.expect),
                             "ok": st is not None and q.expect[0] <= st <= q.expect[1]}

    deadline = t_start + args.duration if args.duration else None
    plist = [] if args.no_probes else probes(ctx, wire)
    counter = iter(range(10 ** 9))
    count_lock = threading.Lock()
    cases = [0]

    def worker():
        while True:
            if deadline is not None and time.monotonic() >= deadline:
                return
            with count_lock:
                n = next(counter)
            if n < len(plist):
                label, data, opt = plist[n]
                try:
                    run.send_raw(data, f"p{n}", [f"probe: {label}"], tls=opt.get("tls", False),
                                 half_close=opt.get("half_close", False),
                                 plain_to_tls_port=opt.get("plain_to_tls_port", False))
                except Exception:
                    run.record("tool-error", "probe", {"probe": label, "trace": traceback.format_exc()[-800:]})
                continue
            k = n - len(plist)
            if args.requests is not None and k >= args.requests:
                return
            try:
                q = make_case(seeds, k, ctx, args)
                run.send(q, k)
            except Exception:
                run.record("tool-error", "case", {"case": k, "trace": traceback.format_exc()[-800:]})
            with count_lock:
                cases[0] = max(cases[0], k + 1)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(max(1, args.concurrency))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    time.sleep(0.6)                    # a worker that dies on the last request: let the supervisor see it
    monitor.stop.set()
    monitor.join()
    monitor.poll()
    run.cases = cases[0]
    run.probes = len(plist)
    return print_report(run, monitor, args, time.monotonic() - t_start, seed_status, log_path, log_start)


def print_report(run, monitor, args, elapsed, seed_status, log_path, log_start):
    log_lines = []
    try:
        with open(log_path, "rb") as f:
            f.seek(log_start)
            log_lines = f.read().decode("utf-8", "replace").splitlines()
    except OSError:
        pass
    for line in log_lines:
        if "killed by signal" in line or "exited with" in line:
            run.record("log: " + ("killed by signal" if "killed by signal" in line else "exited with"),
                       "authzd log", {"line": line})
    log_errors = collections.Counter()
    for line in log_lines:
        # authzd's lines are JSON objects with a level and a msg
        try:
            e = json.loads(line)
        except ValueError:
            continue
        if isinstance(e, dict) and e.get("level") in ("error", "warn"):
            log_errors[re.sub(r"\d+", "N", str(e.get("msg", "")))[:120]] += 1
    after = workers_of(monitor.sup) if alive(monitor.sup) else set()

    print(f"mutation: {run.sent} requests in {elapsed:.1f} s ({getattr(run, 'probes', 0)} fixed probes, "
          f"{getattr(run, 'cases', 0)} mutated cases, {run.tls_sent} over TLS); seed {args.seed}")
    bad_seeds = {k: v["status"] for k, v in seed_status.items() if not v["ok"]}
    if seed_status:
        print(f"mutation: seeds: {len(seed_status) - len(bad_seeds)}/{len(seed_status)} unmutated seeds answered as "
              "expected (2xx; the fake-credential token seed 401/429" +
              ("" if run.ctx.ven_user else "; /vedauth 400/401, no identity without --authzctl") + ")" +
              (f"; NOT: {bad_seeds}" if bad_seeds else ""))
    print("mutation: by status: " + ", ".join(f"{k} {v}" for k, v in sorted(run.by_status.items())))
    if run.info:
        print("mutation: noted: " + ", ".join(f"{k} {v}" for k, v in sorted(run.info.items())))
    if run.skipped_unsafe or run.setup_failures:
        print(f"mutation: {run.skipped_unsafe} requests not sent (would have locked the admin credential), "
              f"{run.setup_failures} set-up requests failed" +
              (": " + "; ".join(run.setup_failed) if run.setup_failed else ""))
    print(f"mutation: workers before {sorted(monitor.before)}, after {sorted(after)}"
          + (f", died {monitor.died}" if monitor.died else "") + f"; supervisor {monitor.sup} "
          + ("alive" if alive(monitor.sup) else "DEAD"))
    if log_errors:
        print("mutation: authzd logged during the run: " +
              "; ".join(f"{v}× {k}" for k, v in log_errors.most_common(8)))
    total = sum(g.count for g in run.groups.values())
    print(f"mutation: {total} violations in {len(run.groups)} groups")
    order = sorted(run.groups.items(), key=lambda kv: (kv[0][1], kv[0][2], kv[0][0]))
    for (status, kind, route), g in order:
        print(f"\n  [{kind}] {status} {route}: {g.count}×")
        tags = [f"{t} ({n})" for t, n in g.tags.most_common(4)]
        if tags:
            print(f"    led there: {', '.join(tags)}")
        if route.startswith("nginx") or route.startswith("malformed"):
            print("    under: " + ", ".join(f"{p} {n}" for p, n in g.prefixes.most_common()))
        ex = g.examples[0] if g.examples else {}
        if "request" in ex:
            r = ex["response"]
            print(f"    e.g. case {ex['case']} ({ex['seed'] or 'fixed probe'}): {ex['request']}")
            ct = next((v for n, v in r["headers"] if n == "content-type"), None)
            print(f"    -> {r['status']} {r['reason']}, Content-Type {ct!r}, body {r['body']}"
                  + (f", {r['error']}" if r["error"] else ""))
        else:
            print(f"    e.g. {json.dumps(ex)[:600]}")
    ok = not run.groups
    print(f"\nmutation: {'PASS' if ok else 'FAIL'}: {total} violations in {len(run.groups)} groups, "
          f"{run.sent} requests, {elapsed:.1f} s, seed {args.seed}")
    if args.out:
        out = {"seed": args.seed, "elapsed_seconds": round(elapsed, 1), "requests": run.sent,
               "fixed_probes": getattr(run, "probes", 0), "mutated_cases": getattr(run, "cases", 0),
               "tls_requests": run.tls_sent, "setup_failed": run.setup_failed, "by_status": dict(run.by_status), "noted": dict(run.info),
               "seeds": seed_status, "workers_before": sorted(monitor.before), "workers_after": sorted(after),
               "workers_died": monitor.died, "supervisor_alive": alive(monitor.sup),
               "log_warnings_errors": dict(log_errors.most_common(30)), "violations": total,
               "groups": [{"status": s, "kind": k, "route": r, "count": g.count, "mutations": dict(g.tags.most_common(10)),
                           "prefixes": dict(g.prefixes),
                           "examples": g.examples} for (s, k, r), g in order]}
        with open(args.out, "w") as f:
            json.dump(out, f, indent=1)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
