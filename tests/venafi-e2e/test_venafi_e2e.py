"""End to end against the Venafi TPP reference, with Python's standard library as the
only client (no Venafi client can be installed here): create an application, create an
identity, get a token, call a /vedsdk route with it, verify, refresh, revoke, and see the
token refused.

Needs AUTHZD_TEST_HTTPS_URL, AUTHZD_TEST_CREDENTIAL (JSON with client_id and
client_secret of a "Manage All" credential), AUTHZD_TEST_CA, AUTHZD_TEST_AUTHZCTL and
AUTHZD_CONFIG (scripts/test sets them)."""
import base64
import json
import os
import ssl
import subprocess
import time
import unittest
import urllib.error
import urllib.request

BASE = os.environ["AUTHZD_TEST_HTTPS_URL"]
TLS = ssl.create_default_context(cafile=os.environ["AUTHZD_TEST_CA"])
RUN = format(int(time.time() * 1000) % 10**9, "x")
APP = f"e2e-{RUN}"
USER = f"e2e-user-{RUN}"
PASSWORD = f"pw-{RUN}-correct"


def call(method, path, body=None, token=None):
    """(status, parsed JSON body or None)"""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(BASE + path, data=data, method=method)
    if body is not None:
        req.add_header("Content-Type", "application/json")
    if token is not None:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, context=TLS, timeout=20) as res:
            raw = res.read()
            return res.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as err:
        raw = err.read()
        return err.code, json.loads(raw) if raw else None


def management_token():
    with open(os.environ["AUTHZD_TEST_CREDENTIAL"]) as f:
        cred = json.load(f)
    req = urllib.request.Request(BASE + "/auth/oauth2/v2/token", method="POST",
                                 data=b'{"grant_type":"client_credentials"}')
    basic = base64.b64encode(f"{cred['client_id']}:{cred['client_secret']}".encode()).decode()
    req.add_header("Authorization", f"Basic {basic}")
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, context=TLS, timeout=20) as res:
        return json.loads(res.read())["access_token"]


class VenafiEndToEnd(unittest.TestCase):
    state = {}

    def test_1_create_application(self):
        admin = management_token()
        status, body = call("POST", "/vedsdk/oauth/CreateApplication", {
            "ApplicationId": APP, "Scope": "certificate:discover", "MaxScope": "admin;certificate:manage",
            "Name": "End to end", "Vendor": "authzd", "Description": "stdlib client", "Url": "https://example.com",
            "AccessValidity": 600, "GrantValidity": 3600, "Renewable": True}, token=admin)
        self.assertEqual(status, 200)
        self.assertTrue(body["Success"])
        self.assertEqual(body["Result"], 0)
        self.assertEqual(body["Application"]["ID"], APP)
        self.assertEqual(body["Application"]["MaximumScope"], "admin;certificate:manage")

    def test_2_create_identity(self):
        out = subprocess.run(
            [os.environ["AUTHZD_TEST_AUTHZCTL"], "-c", os.environ["AUTHZD_CONFIG"], "identities", "create",
             "--tenant", "default", "--username", USER, "--max-scope", "admin;certificate:manage",
             "--password-stdin"], input=PASSWORD + "\n", capture_output=True, text=True, check=True)
        self.assertRegex(out.stdout.strip(), r"^local:\{[0-9a-f-]{36}\}$")
        self.state["universal"] = out.stdout.strip()

    def test_3_token(self):
        status, body = call("POST", "/vedauth/authorize/oauth", {
            "client_id": APP, "username": USER, "password": PASSWORD, "scope": "admin;certificate:manage"})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["token_type"], "Bearer")
        self.assertEqual(body["expires_in"], 600)
        self.assertEqual(body["identity"], self.state["universal"])
        self.assertEqual(body["scope"], "admin;certificate:manage")
        self.assertGreater(body["refresh_until"], body["expires"])
        self.state.update(access=body["access_token"], refresh=body["refresh_token"])
        status, body = call("POST", "/vedauth/authorize/oauth", {
            "client_id": APP, "username": USER, "password": "wrong", "scope": "admin"})
        self.assertEqual((status, body["error"]), (400, "invalid_grant"))

    def test_4_call_vedsdk_with_it(self):
        status, body = call("POST", "/vedsdk/oauth/GetApplication", {"ApplicationId": APP},
                            token=self.state["access"])
        self.assertEqual(status, 200)
        self.assertEqual(body["Application"]["GrantCount"], 1)
        status, body = call("POST", "/vedsdk/oauth/enumerategrants", {"ApplicationId": APP},
                            token=self.state["access"])
        self.assertEqual(body["Grants"][0]["GranteePrefixedUniversal"], self.state["universal"])

    def test_5_verify(self):
        status, body = call("GET", "/vedauth/authorize/verify", token=self.state["access"])
        self.assertEqual(status, 200)
        self.assertEqual(body["application"], APP)
        self.assertEqual(body["identity"], self.state["universal"])
        self.assertGreater(body["valid_for"], 500)

    def test_6_refresh_rotates(self):
        status, body = call("POST", "/vedauth/authorize/token", {"client_id": APP,
                                                                  "refresh_token": self.state["refresh"]})
        self.assertEqual(status, 200, body)
        self.assertNotEqual(body["refresh_token"], self.state["refresh"])
        status, again = call("POST", "/vedauth/authorize/token", {"client_id": APP,
                                                                   "refresh_token": self.state["refresh"]})
        self.assertEqual((status, again["error"]), (400, "invalid_grant"))
        self.state.update(access=body["access_token"], refresh=body["refresh_token"])

    def test_7_revoke_then_refused(self):
        status, _ = call("GET", "/vedauth/revoke/token", token=self.state["access"])
        self.assertEqual(status, 200)
        status, body = call("GET", "/vedauth/authorize/verify", token=self.state["access"])
        self.assertEqual((status, body["error"]), (401, "invalid_token"))
        status, body = call("POST", "/vedsdk/oauth/GetApplication", {"ApplicationId": APP},
                            token=self.state["access"])
        self.assertEqual((status, body["error"]), (401, "invalid_token"))
        status, body = call("POST", "/vedauth/authorize/token", {"client_id": APP,
                                                                  "refresh_token": self.state["refresh"]})
        self.assertEqual((status, body["error"]), (400, "invalid_grant"))


if __name__ == "__main__":
    unittest.main()
