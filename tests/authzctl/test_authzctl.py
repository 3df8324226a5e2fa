"""authzctl as an operator runs it: help without a database, the documented exit codes
(0 done, 1 refused, 2 usage, 3 database unreachable, 4 not found), tenants create, list and
rename, every command refusing a tenant that does not exist (and making none), and --json on
every list parsing.

Needs AUTHZD_TEST_AUTHZCTL and AUTHZD_CONFIG (scripts/test sets them); the config's database
is the test stack's."""
import json
import os
import subprocess
import time
import unittest

CTL = os.environ["AUTHZD_TEST_AUTHZCTL"]
CONFIG = os.environ["AUTHZD_CONFIG"]
RUN = format(int(time.time() * 1000) % 10**9, "x")
# a libpq URL that reaches nothing, quickly: a socket directory that does not exist
NOWHERE = "postgresql:///authzd?host=/nonexistent-authzd-test&connect_timeout=2"
GROUPS = ("migrate", "tenants", "credentials", "identities", "servers", "keys")


def ctl(*args, database_url=None, config=True, stdin=None):
    """(exit code, stdout, stderr) of authzctl [-c CONFIG] args..."""
    env = dict(os.environ)
    env.pop("AUTHZD_CONFIG", None)
    if database_url is not None:
        env["AUTHZD_DATABASE_URL"] = database_url
    argv = [CTL] + (["-c", CONFIG] if config else []) + list(args)
    p = subprocess.run(argv, env=env, input=stdin, capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def ok_json(test, *args):
    rc, out, err = ctl(*args)
    test.assertEqual(rc, 0, f"authzctl {' '.join(args)}: {err}")
    return json.loads(out)


def tenant_names(test):
    return [t["name"] for t in ok_json(test, "tenants", "list", "--json")]


class HelpWithoutDatabase(unittest.TestCase):
    """Help never needs a config or a database; usage errors are found before connecting."""

    def test_global_help(self):
        for args in (["--help"], ["-h"], ["help"]):
            rc, out, err = ctl(*args, database_url=NOWHERE, config=False)
            self.assertEqual(rc, 0, err)
            self.assertTrue(out.startswith("usage: authzctl [-c CONFIG] COMMAND [ARGS]\n"), out)
            for g in GROUPS:
                self.assertIn(f"\n  {g} ", out)
            self.assertIn("exit codes: 0 done, 1 refused or failed, 2 usage error, 3 database unreachable", out)
            self.assertIn("4 not found", out)
            self.assertEqual(err, "")

    def test_each_command_help(self):
        for g in GROUPS:
            for args in (["help", g], [g, "--help"], [g, "-h"]):
                rc, out, err = ctl(*args, database_url=NOWHERE, config=False)
                self.assertEqual(rc, 0, f"{args}: {err}")
                self.assertTrue(out.startswith(f"usage: authzctl [-c CONFIG] {g} ...\n  {g} "), out)
                # only that command's lines
                for other in GROUPS:
                    if other != g:
                        self.assertNotIn(f"\n  {other} ", out)
                self.assertIn("exit codes:", out)
        rc, out, _ = ctl("credentials", "create", "--help", database_url=NOWHERE)
        self.assertEqual(rc, 0)
        self.assertIn("credentials create --tenant T --scope S", out)

    def test_usage_errors_are_2(self):
        for args in (["bogus"], ["help", "bogus"], ["tenants"], ["tenants", "bogus"], ["keys", "delete"], []):
            rc, out, err = ctl(*args, database_url=NOWHERE)
            self.assertEqual(rc, 2, f"{args}: {out} {err}")
            self.assertEqual(out, "")
            self.assertIn("usage: authzctl", err)

    def test_database_unreachable_is_3(self):
        for args in (["tenants", "list"], ["credentials", "list", "--json"], ["servers", "list"],
                     ["tenants", "create", f"never-{RUN}"], ["migrate"]):
            rc, _, err = ctl(*args, database_url=NOWHERE)
            self.assertEqual(rc, 3, f"{args}: {err}")


class Tenants(unittest.TestCase):
    def test_create_list_rename(self):
        name, renamed = f"ctl-{RUN}", f"ctl-{RUN}-renamed"
        rc, out, err = ctl("tenants", "create", name)
        self.assertEqual(rc, 0, err)
        self.assertRegex(out, rf"^created tenant {name} \(id \d+\)\n$")
        rows = [t for t in ok_json(self, "tenants", "list", "--json") if t["name"] == name]
        self.assertEqual(len(rows), 1)
        t = rows[0]
        self.assertEqual(sorted(t), ["applications", "created_at", "hosts", "id", "name", "servers"])
        self.assertEqual((t["servers"], t["applications"], t["hosts"]), (0, 0, []))
        self.assertRegex(t["created_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        # taken: refused, 1
        rc, _, err = ctl("tenants", "create", name)
        self.assertEqual(rc, 1)
        self.assertIn("already exists", err)
        rc, out, err = ctl("tenants", "rename", name, renamed)
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, f"renamed tenant {name} to {renamed}\n")
        names = tenant_names(self)
        self.assertIn(renamed, names)
        self.assertNotIn(name, names)
        self.assertEqual([x["id"] for x in ok_json(self, "tenants", "list", "--json") if x["name"] == renamed],
                         [t["id"]])
        # renaming onto a taken name: 1; renaming what does not exist: 4
        self.assertEqual(ctl("tenants", "rename", renamed, "default")[0], 1)
        self.assertEqual(ctl("tenants", "rename", name, f"{name}-x")[0], 4)
        rc, out, _ = ctl("tenants", "list")
        self.assertEqual(rc, 0)
        self.assertTrue(out.startswith("id  "), out)
        self.assertIn(f"  {renamed}  ", out)

    def test_unknown_tenant_refused_and_never_made(self):
        typo = f"defualt-{RUN}"
        before = tenant_names(self)
        cases = [
            ["credentials", "create", "--tenant", typo, "--scope", "Read All"],
            ["credentials", "list", "--tenant", typo],
            ["credentials", "list", "--tenant", typo, "--json"],
            ["identities", "create", "--tenant", typo, "--username", "u", "--max-scope", "admin",
             "--password", "pw-long-enough"],
            ["identities", "list", "--tenant", typo, "--json"],
            ["identities", "disable", "--tenant", typo, "--username", "u"],
            ["servers", "list", "--tenant", typo, "--json"],
            ["keys", "list", "--tenant", typo, "--json"],
            ["keys", "rotate", "--tenant", typo],
            ["tenants", "hosts", typo, f"{RUN}.example.test"],
            ["tenants", "rename", typo, f"{typo}-2"],
        ]
        for args in cases:
            rc, out, err = ctl(*args)
            self.assertEqual(rc, 4, f"{args}: {out} {err}")
            self.assertEqual(out, "")
            self.assertIn(f"tenant {typo}", err)
        self.assertEqual(tenant_names(self), before)


class JsonLists(unittest.TestCase):
    def test_every_list_parses(self):
        tenant = f"json-{RUN}"
        self.assertEqual(ctl("tenants", "create", tenant)[0], 0)
        cred = ok_json(self, "credentials", "create", "--tenant", tenant, "--scope", "Read All", "--json")
        self.assertEqual(sorted(cred), ["client_id", "client_secret"])
        rc, out, err = ctl("identities", "create", "--tenant", tenant, "--username", f"user-{RUN}",
                           "--max-scope", "certificate:discover", "--password-stdin", stdin="a-password-here\n")
        self.assertEqual(rc, 0, err)
        universal = out.strip()

        creds = ok_json(self, "credentials", "list", "--tenant", tenant, "--json")
        self.assertEqual([c["client_id"] for c in creds], [cred["client_id"]])
        self.assertEqual(sorted(creds[0]), ["client_id", "created_at", "description", "last_used_at",
                                            "revoked_at", "scopes", "tenant"])
        self.assertEqual((creds[0]["tenant"], creds[0]["scopes"], creds[0]["revoked_at"]), (tenant, "Read All", None))
        self.assertNotIn(cred["client_secret"], json.dumps(ok_json(self, "credentials", "list", "--json")))

        ids = ok_json(self, "identities", "list", "--tenant", tenant, "--json")
        self.assertEqual([(i["universal"], i["username"], i["enabled"]) for i in ids], [(universal, f"user-{RUN}", True)])
        self.assertNotIn("$argon2id$", json.dumps(ok_json(self, "identities", "list", "--json")))

        self.assertEqual(ok_json(self, "servers", "list", "--tenant", tenant, "--json"), [])
        self.assertIsInstance(ok_json(self, "servers", "list", "--json"), list)
        self.assertIsInstance(ok_json(self, "keys", "list", "--tenant", tenant, "--json"), list)
        self.assertIsInstance(ok_json(self, "tenants", "list", "--json"), list)

        # not found is 4, done is 0, for a credential and an identity too
        self.assertEqual(ctl("credentials", "revoke", cred["client_id"])[0], 0)
        self.assertEqual(ctl("credentials", "revoke", cred["client_id"])[0], 4)
        self.assertNotEqual(ok_json(self, "credentials", "list", "--tenant", tenant, "--json")[0]["revoked_at"], None)
        self.assertEqual(ctl("identities", "disable", "--tenant", tenant, "--username", f"user-{RUN}")[0], 0)
        self.assertEqual(ctl("identities", "disable", "--tenant", tenant, "--username", f"user-{RUN}")[0], 4)
        self.assertEqual(ctl("keys", "list", "--server", "999999999", "--json")[0], 4)


if __name__ == "__main__":
    unittest.main()
