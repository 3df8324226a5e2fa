#!/usr/bin/env python3
"""tests/fuzz/make_seeds.py [CORPUS_DIR] - writes the seed corpus of every fuzz target.

The committed files in tests/fuzz/corpus/ came from this script (default CORPUS_DIR is that
directory). Rerunning it rewrites them; the fuzz_jose seeds are signed with keys made on the
spot (the Python `cryptography` package), so those files change on every run. To add a seed,
either add a line here and rerun, or just drop a file into corpus/<target>/.
"""
import os
import sys

sys.argv = [sys.argv[0], sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")]
root = sys.argv[1]
TOKEN = "5bc4aa8e86cb9108f4065ecf935e922c4e273dd29c09d415b4a8841daf603095"
def put(target, name, data):
    d = os.path.join(root, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

# ---------------------------------------------------------------- fuzz_request
SVC = "/subscriptions/Sub-1/resourceGroups/RG-1/providers/Microsoft.ApiManagement/service/apim-1"
AZ = SVC + "/authorizationServers"
V = "?api-version=2022-08-01"
B = "Bearer " + TOKEN
def req(name, method, uri, host="127.0.0.1:18080", ct="", auth="", if_match="", inm="", flags=None):
    lines = [method, uri, host, ct, auth, if_match, inm]
    if flags is not None:
        lines.append(flags)
    # drop trailing empty lines so absent headers stay absent
    while len(lines) > 3 and lines[-1] == "":
        lines.pop()
    put("fuzz_request", name, "\n".join(lines))
req("healthz", "GET", "/healthz")
req("readyz-head", "HEAD", "/readyz", "localhost")
req("token-basic", "POST", "/auth/oauth2/v2/token", "acme.example.com", "application/json",
    "Basic YWJjOnMzY3I6ZXQ=")
req("token-pair", "POST", "/auth/oauth2/v2/token", "Example.COM:8443", "application/x-www-form-urlencoded",
    "client_id:abc, client_secret:xyz")
req("revoke", "POST", "/auth/oauth2/revoke", "127.0.0.1", "application/json", "Basic YWJjOnh5eg==")
req("ol-list", "GET", "/api/2/api_authorizations?name=Contacts%20API&page=2", auth=B)
req("ol-create", "POST", "/api/2/api_authorizations", ct="application/json", auth=B)
req("ol-get", "GET", "/api/2/api_authorizations/12", auth="bearer   " + TOKEN)
req("ol-put", "PUT", "/api/2/api_authorizations/12", ct="application/json", auth=B)
req("ol-delete", "DELETE", "/api/2/api_authorizations/99999999999999999999", auth=B)
req("ol-patch-405", "PATCH", "/api/2/api_authorizations/1", auth=B)
req("ol-scopes", "GET", "/api/2/api_authorizations/12/scopes", auth=B)
req("ol-scope-put", "PUT", "/api/2/api_authorizations/12/scopes/3", ct="application/json", auth=B)
req("ol-claims", "POST", "/api/2/api_authorizations/12/claims", ct="application/json", auth=B)
req("ol-claim-del", "DELETE", "/api/2/api_authorizations/12/claims/5", auth=B)
req("ol-clients", "GET", "/api/2/api_authorizations/12/clients", auth=B)
req("ol-client-put", "PUT", "/api/2/api_authorizations/12/clients/abc%2Fdef", ct="application/json", auth=B)
req("ol-apps", "GET", "/api/2/apps", auth=B)
req("ol-app", "DELETE", "/api/2/apps/7/", auth=B)
req("ol-unknown", "GET", "/api/2/no_such_thing", auth=B)
req("ol-bad-id", "GET", "/api/2/api_authorizations/abc", auth=B)
req("ol-bad-param", "GET", "/api/2/api_authorizations/%FF", auth=B)
put("fuzz_request", "ol-bad-path", b"GET\n/api/2/api_authorizations/\xff\n127.0.0.1\n\n" + B.encode())
req("ol-bad-query", "GET", "/api/2/api_authorizations?name=%FF", auth=B)
req("ol-no-token", "GET", "/api/2/api_authorizations")
req("ol-upper", "GET", "/API/2/Api_Authorizations/1", auth=B, flags="\x01")
req("az-list", "GET", AZ + V + "&$filter=endswith(name,'a')%20and%20name%20ge%20'c'&$top=2&$skip=2", auth=B)
req("az-get", "GET", AZ + "/contoso" + V, auth=B, inm='"AAAAAAAAAAE="')
req("az-head", "HEAD", AZ + "/contoso" + V, auth=B)
req("az-put", "PUT", AZ + "/contoso" + V, ct="application/json; charset=utf-8", auth=B, if_match='"AAAAAAAAAAE="')
req("az-patch", "PATCH", AZ + "/patched" + V, ct="application/merge-patch+json", auth=B, if_match="*")
req("az-delete", "DELETE", AZ + "/contoso" + V, auth=B, if_match='W/"AAAAAAAAAAI="', flags="\x04")
req("az-secrets", "POST", AZ + "/contoso/listSecrets" + V, auth=B)
req("az-bad-sub", "GET", "/subscriptions/%FF/resourceGroups/rg/providers/Microsoft.ApiManagement/service/s/authorizationServers" + V, auth=B)
req("ven-create", "POST", "/vedsdk/oauth/CreateApplication", ct="application/json", auth=B, flags="\x08")
req("ven-bad-op", "POST", "/vedsdk/oauth/%FF", ct="application/json", auth=B)
req("ven-authorize", "POST", "/vedauth/authorize/oauth", ct="application/json")
req("ven-token", "POST", "/vedauth/authorize/token", ct="application/json")
req("ven-verify", "GET", "/vedauth/authorize/verify", auth=B)
req("ven-revoke", "GET", "/vedauth/revoke/token", auth=B, flags="\x0c")
req("too-large", "POST", "/api/2/api_authorizations", ct="application/json", auth=B, flags="\x02")
req("elsewhere", "OPTIONS", "/elsewhere//x?a=1&b=%E2%9C%93&c+d=e+f")
put("fuzz_request", "absent", "GET")

# ---------------------------------------------------------------- fuzz_form
for n, t in [
    ("token", "grant_type=client_credentials&client_id=abc&client_secret=xyz"),
    ("oauth-basic", "grant_type=password&username=alice&password=s3cr%3Aet&scope=certificate%3Amanage"),
    ("repeat", "a=1&b=2&a=3&&=x&c"),
    ("plus-utf8", "name=Contacts+API&x=%E2%9C%93&y=%ce%bb+%F0%9F%98%80"),
    ("azure-query", "api-version=2022-08-01&$filter=name%20eq%20'it''s'&$top=2&$skip=2"),
    ("bad-escape", "a=%zz"),
    ("short-escape", "a=%4"),
    ("nul", "a=%00"),
    ("half-utf8", "a=%C3"),
    ("overlong", "a=%C0%AF"),
    ("surrogate", "a=%ED%A0%80"),
    ("raw-utf8", "n=\u00e4\u2713&m=\U0001F600"),
    ("many", "&".join("k%d=v%d" % (i, i) for i in range(40))),
]:
    put("fuzz_form", n, t)
put("fuzz_form", "raw-bytes", b"a=\xc3\xa9&b=\xff&c=\xed\xa0\x80")

# ---------------------------------------------------------------- JSON bodies
OL_BODY = ('{"name":"Contacts API","description":"This is an api","configuration":{'
           '"resource_identifier":"https://example.com/contacts","audiences":["https://example.com/contacts"],'
           '"access_token_expiration_minutes":10,"refresh_token_expiration_minutes":30}}')
for n, t in [
    ("create", OL_BODY),
    ("unicode", '{"name":"Cont\u00e4cts \\u2713","configuration":{"resource_identifier":"urn:contacts","audiences":["b","a"]}}'),
    ("readme", '{"name": "Example API", "description": "demo", "configuration": {"resource_identifier": "https://api.example.com", "audiences": ["https://api.example.com"], "access_token_expiration_minutes": 10, "refresh_token_expiration_minutes": 60}}'),
    ("no-resource", '{"name":"Contacts API","description":"This is an api","configuration":{"access_token_expiration_minutes":10}}'),
    ("invalid-all", '{"name":"","configuration":{"resource_identifier":"not a uri","audiences":["a","a"," b",""],"access_token_expiration_minutes":0,"refresh_token_expiration_minutes":999999999999}}'),
    ("no-name", '{"configuration":{}}'),
    ("truncated", '{"name":'),
    ("bad-audience", '{"name":"x","configuration":{"audiences":[1]}}'),
    ("empty-audiences", '{"name":"n","configuration":{"resource_identifier":"urn:z","audiences":[]}}'),
    ("types", '{"name":5,"description":true,"configuration":[],"scopes":[1,2,3],"value":"contacts:read","skip_if_blank":false}'),
    ("duplicate", '{"name":"a","name":"b"}'),
    ("array", '[{"name":"x"}]'),
    ("scope", '{"value":"contacts:read","description":"Read"}'),
    ("claim", '{"name":"email","label":"Email","user_attribute_mappings":"email","values":["a","b"],"skip_if_blank":true,"provisioned_entitlements":false}'),
    ("client", '{"api_auth_id":12,"scopes":[1,2],"client_app_id":7}'),
    ("app", '{"name":"OneLogin made","connector_id":108419,"description":"x","configuration":{"redirect_uri":"https://a/cb","token_endpoint_auth_method":1}}'),
    ("null-fields", '{"name":null,"description":null,"configuration":{"resource_identifier":null,"audiences":null}}'),
    ("big-int", '{"name":"x","configuration":{"resource_identifier":"urn:x","audiences":["a"],"access_token_expiration_minutes":-9223372036854775808}}'),
    ("nul-escape", '{"name":"a\\u0000b","configuration":{}}'),
    ("deep", "[" * 300 + "]" * 300),
]:
    put("fuzz_json_onelogin", n, t)

FULL = ('{"properties":{"displayName":"Contoso","description":"test server",'
        '"clientRegistrationEndpoint":"https://contoso.com/apps","authorizationEndpoint":"https://contoso.com/oauth2/auth",'
        '"authorizationMethods":["GET","POST"],"clientAuthenticationMethod":["Basic","Body"],'
        '"tokenBodyParameters":[{"name":"resource","value":"https://graph"},{"name":"x","value":"y"}],'
        '"tokenEndpoint":"https://contoso.com/oauth2/token","supportState":true,"defaultScope":"read write",'
        '"grantTypes":["authorizationCode","implicit","clientCredentials"],'
        '"bearerTokenSendingMethods":["authorizationHeader","query"],"clientId":"client-1",'
        '"clientSecret":"the-client-secret","resourceOwnerUsername":"owner","resourceOwnerPassword":"owner-pass"}}')
for n, t in [
    ("full", FULL),
    ("min", '{"properties":{"displayName":"Replaced","clientRegistrationEndpoint":"https://c/reg","authorizationEndpoint":"https://c/auth","clientId":"c","grantTypes":["implicit"]}}'),
    ("patch-client", '{"properties":{"clientId":"client-2","useInApiDocumentation":true,"clientSecret":"rotated"}}'),
    ("patch-remove", '{"properties":{"clientSecret":"","resourceOwnerUsername":null,"resourceOwnerPassword":5}}'),
    ("no-grants", '{"properties":{"grantTypes":[]}}'),
    ("bad-lists", '{"properties":{"grantTypes":["authorizationCode","authorizationCode","magic"],"authorizationMethods":["POST","FLY"],"clientAuthenticationMethod":"Basic","bearerTokenSendingMethods":[1]}}'),
    ("bad-types", '{"properties":{"displayName":1,"supportState":"yes","tokenBodyParameters":[{"name":"a"},"x"],"useInTestConsole":null}}'),
    ("props-not-object", '{"properties":[]}'),
    ("props-null", '{"properties":null}'),
    ("not-object", '"properties"'),
    ("params-dup", '{"properties":{"displayName":"d","clientRegistrationEndpoint":"https://c/r","authorizationEndpoint":"http://c/a","clientId":"c","grantTypes":["resourceOwnerPassword"],"tokenBodyParameters":[{"name":"a","value":"1"},{"name":"a","value":"2"},{"name":"","value":""}]}}'),
    ("urls", '{"properties":{"displayName":"d","clientRegistrationEndpoint":"ftp://c/r","authorizationEndpoint":"https://","tokenEndpoint":"relative/path","clientId":"  ","grantTypes":["clientCredentials"],"defaultScope":"a b c"}}'),
    ("truncated", '{"properties":{"displayName":'),
    ("unicode", '{"properties":{"displayName":"Cont\u00f6so \\ud83d\\ude00","clientRegistrationEndpoint":"https://c/r","authorizationEndpoint":"https://c/a","clientId":"\u00e4","grantTypes":["implicit"]}}'),
]:
    put("fuzz_json_azure", n, t)

for n, t in [
    ("create", '{"ApplicationId":"NewApplicationID","Scope":"certificate","Name":"x"}'),
    ("create-full", '{"ApplicationId":"v-app","Name":"App","Description":"This is the application description.","Vendor":"Venafi","Url":"https://example.com/app","Scope":"certificate:manage,discover;ssh","MaximumScope":"certificate:manage,discover,revoke;ssh:manage;admin","AccessValidity":3600,"GrantValidity":7776000,"Renewable":true}'),
    ("update", '{"Application":{"AccessValidity":3600,"Description":"This is the application description.","GrantValidity":7776000,"ID":"v-beta","MaximumScope":"admin","Name":"Beta 2","Renewable":false,"Scope":"ssh:manage","Url":null,"Vendor":"Venafi"}}'),
    ("seed-maxscope", '{"ApplicationId":"seed","Name":"Seed","Scope":"certificate","MaxScope":"admin"}'),
    ("no-id", '{"Scope":"certificate","Name":"x"}'),
    ("bad-validity", '{"ApplicationId":"v-x","Scope":"certificate","Name":"x","AccessValidity":0}'),
    ("bad-restriction", '{"ApplicationId":"v-x","Scope":"certificate:fly","Name":"x"}'),
    ("bad-maximum", '{"ApplicationId":"v-x","Scope":"certificate","MaximumScope":"wizard","Name":"x"}'),
    ("empty-part", '{"ApplicationId":"v-x","Scope":"certificate;;admin","Name":"x"}'),
    ("types", '{"ApplicationId":1,"Scope":["certificate"],"Name":null,"Renewable":"yes","GrantValidity":1.5}'),
    ("blank-name", '{"ApplicationId":"v-x","Scope":"ssh","Name":"   ","Url":"not a uri"}'),
    ("update-not-object", '{"ID":"v-beta"}'),
    ("get", '{"ApplicationId":"v-beta"}'),
    ("enumerate", '{"Start":0,"Count":1000,"OrderBy":1,"Descending":true}'),
    ("truncated", '{"ApplicationId":'),
    ("array", '["CreateApplication"]'),
    ("authorize", '{"client_id":"v-app","username":"alice","password":"x","scope":"certificate:manage"}'),
]:
    put("fuzz_json_venafi", n, t)

# ---------------------------------------------------------------- scopes
for n, t in [
    ("certificate", "certificate"), ("admin", "admin"),
    ("two", "certificate:discover,manage;configuration:delete"),
    ("spaces-case", " Configuration : Delete ; CERTIFICATE:manage , discover "),
    ("merge", "certificate:manage;certificate:revoke;certificate"),
    ("all-ssh", "ssh:approve,delete,discover,manage;statistics:manage,sensitive;codesignclient"),
    ("codesign", "codesign:admin;admin:grantrights,viewlogs"),
    ("agent", "agent:delete;restricted:manage;security:delete"),
    ("everything", "admin:grantrights,viewlogs;agent:delete;certificate:approve,delete,discover,manage,revoke;codesign:admin,approve,delete,manage;codesignclient;configuration:delete,manage;restricted:delete,manage;security:delete,manage;ssh:approve,delete,discover,manage;statistics:manage,sensitive"),
    ("empty", ""), ("blank", "   "), ("typo", "certficate"),
    ("bad-restriction", "certificate:manage,fly"),
    ("no-restrictions", "codesignclient:admin"),
    ("trailing-colon", "certificate:"), ("trailing-comma", "certificate:manage,"),
    ("empty-part", "certificate;;admin"), ("trailing-semi", "certificate;"), ("no-name", ":manage"),
    ("pair-fits", "certificate:discover;ssh\nssh:manage;certificate:discover,manage;admin"),
    ("pair-not", "certificate:manage,revoke\ncertificate:manage"),
    ("pair-seed", "certificate\nadmin"),
    ("pair-codesign", "codesign:admin\nadmin;codesign"),
    ("tabs", "\tssh\t:\tmanage\t"),
]:
    put("fuzz_venafi_scope", n, t)

# ---------------------------------------------------------------- filters
for n, t in [
    ("eq", "name eq 'a'"), ("ne-space", "displayName ne 'x y'"),
    ("props", "properties/displayName gt 'b'"), ("range", "name ge 'a' and name le 'm'"),
    ("substringof", "substringof('ab', name)"),
    ("contains-and", "contains(displayName,'q') and startswith(name, 'p')"),
    ("endswith-true", "endswith(name,'z') eq true"), ("quote", "(name eq 'it''s')"),
    ("upper", "NAME EQ 'a' AND name LT 'b'"),
    ("paging", "endswith(name,'a') and name ge 'c'"),
    ("percent", "contains(name,'%')"), ("underscore", "startswith(name,'_lpha')"),
    ("display", "displayName eq 'Server alpha'"),
    ("unicode", "displayName eq 'Cont\u00f6so \u2713'"),
    ("nest8", "((((((((name eq 'a'))))))))"),
    ("nest10", "((((((((((name eq 'a'))))))))))"),
    ("empty", ""), ("field-only", "name"), ("no-value", "name eq"), ("bare", "name eq a"),
    ("unterminated", "name eq 'a"), ("unknown-field", "clientId eq 'a'"),
    ("or", "name eq 'a' or name eq 'b'"), ("not", "not name eq 'a'"),
    ("contains-one", "contains(name)"), ("contains-swapped", "contains('a', name)"),
    ("eq-false", "startswith(name,'a') eq false"), ("dangling-and", "name eq 'a' and"),
    ("open", "(name eq 'a'"), ("extra", "name eq 'a' extra"),
    ("many", " and ".join("name ne '%d'" % i for i in range(33))),
]:
    put("fuzz_filter", n, t)

# ---------------------------------------------------------------- If-Match
for n, t in [
    ("v1", '"AAAAAAAAAAE="'), ("v258", '"AAAAAAAAAQI="'), ("weak", 'W/"AAAAAAAAAAE="'),
    ("bare", "AAAAAAAAAAE="), ("list", '"AAAAAAAAAAE=", "AAAAAAAAAAI="'),
    ("list-theirs-first", '"0x8DB6A0B5C3E2F41", W/"AAAAAAAAAAk="'),
    ("star", "*"), ("star-spaces", "  *  "), ("empty", ""), ("spaces", "   "),
    ("nonsense", '"nonsense"'), ("zero", '"AAAAAAAAAAA="'), ("bad-chars", '"!!!!!!!!!!!="'),
    ("max", '"AAAAAH////8="'), ("too-big", '"AAAAAIAAAAA="'), ("noncanonical", '"AAAAAAAAAAF="'),
    ("urlsafe", '"AAAAAAAAA-_="'), ("comma-only", ",,, ,"),
]:
    put("fuzz_if_match", n, t)

# ---------------------------------------------------------------- Authorization
for n, t in [
    ("basic", "Basic YWJjOnMzY3I6ZXQ="), ("basic-nopad", "basic YWJjOnMzY3I6ZXQ"),
    ("basic-form", "Basic YSUyQmI6YyUzQWQ="), ("basic-bad", "Basic !!!"),
    ("basic-nocolon", "Basic YWJj"), ("basic-noid", "Basic OnNlY3JldA=="), ("basic-nosecret", "Basic YWJjOg=="),
    ("basic-nul", "Basic YQBiOmM="), ("basic-notutf8", "Basic /2E6Yg=="),
    ("pair", "client_id:abc, client_secret:xyz"), ("pair-spaces", "client_id: abc ,client_secret: xyz"),
    ("pair-half", "client_id:abc"),
    ("bearer", "Bearer " + TOKEN), ("bearer-spaces", "bearer   " + TOKEN),
    ("bearer-upper", "Bearer " + TOKEN.upper()), ("bearer-short", "Bearer " + TOKEN[:-1]),
    ("bearer-long", "Bearer " + TOKEN + "5"), ("bearer-empty", "Bearer "),
    ("body", "\nclient_id=abc&client_secret=xyz"), ("body-half", "\nclient_id=abc"),
    ("basic-and-body", "Basic YWJjOnh5eg==\nclient_id=other&client_secret=s"),
    ("pair-and-body", "client_id:abc, client_secret:xyz\nclient_id=other&client_secret=s\nZm9vYmFy"),
    ("base64-vectors", "\n\nZm9vYmE="), ("base64url", "\n\n-_-_"), ("base64-odd", "\n\nZh=="),
]:
    put("fuzz_authorization", n, t)

# ---------------------------------------------------------------- fuzz_handlers
def h(name, method, uri, ct="", auth=B, if_match="", body="", host="127.0.0.1"):
    put("fuzz_handlers", name, "\n".join([method, uri, host, ct, auth, if_match]) + "\n" + body)
J = "application/json"
FORM = "application/x-www-form-urlencoded"
h("healthz", "GET", "/healthz", auth="")
h("readyz", "GET", "/readyz", auth="")
h("token-json", "POST", "/auth/oauth2/v2/token", J, "Basic YWJjOnMzY3I6ZXQ=", body='{"grant_type":"client_credentials"}')
h("token-form", "POST", "/auth/oauth2/v2/token", FORM, "", body="grant_type=client_credentials&client_id=abc&client_secret=xyz")
h("token-pair", "POST", "/auth/oauth2/v2/token", J, "client_id:abc, client_secret:xyz", body='{"grant_type":"client_credentials"}')
h("token-bad-grant", "POST", "/auth/oauth2/v2/token", J, "Basic YWJjOnh5eg==", body='{"grant_type":"password"}')
h("revoke", "POST", "/auth/oauth2/revoke", J, "Basic YWJjOnh5eg==", body='{"access_token":"' + TOKEN + '"}')
h("ol-create", "POST", "/api/2/api_authorizations", J, body=OL_BODY)
h("ol-list", "GET", "/api/2/api_authorizations?name=Contacts&page=2&limit=10")
h("ol-get", "GET", "/api/2/api_authorizations/12")
h("ol-get-bad-id", "GET", "/api/2/api_authorizations/99999999999999999999")
h("ol-put", "PUT", "/api/2/api_authorizations/12", J, body=OL_BODY)
h("ol-delete", "DELETE", "/api/2/api_authorizations/12")
h("ol-scope", "POST", "/api/2/api_authorizations/12/scopes", J, body='{"value":"contacts:read","description":"Read"}')
h("ol-scope-put", "PUT", "/api/2/api_authorizations/12/scopes/3", J, body='{"value":"contacts:write","description":"Write"}')
h("ol-claim", "POST", "/api/2/api_authorizations/12/claims", J,
  body='{"name":"email","label":"Email","user_attribute_mappings":"email","values":["a","b"],"skip_if_blank":true}')
h("ol-claim-put", "PUT", "/api/2/api_authorizations/12/claims/5", J, body='{"name":"email","attributes_transformations":"x","provisioned_entitlements":false}')
h("ol-client", "POST", "/api/2/api_authorizations/12/clients", J, body='{"app_id":7,"scopes":[1,2]}')
h("ol-client-put", "PUT", "/api/2/api_authorizations/12/clients/7", J, body='{"scopes":[3]}')
h("ol-app", "POST", "/api/2/apps", J, body='{"name":"OneLogin made","description":"d","scopes":["a"]}')
h("ol-app-put", "PUT", "/api/2/apps/7", J, body='{"name":"n"}')
h("ol-apps", "GET", "/api/2/apps?limit=5")
h("az-list", "GET", AZ + V + "&$filter=endswith(name,'a')%20and%20name%20ge%20'c'&$top=2&$skip=2")
h("az-list-bad", "GET", AZ + V + "&$top=0&$filter=name%20eq%20beta")
h("az-no-version", "GET", AZ + "/contoso")
h("az-old-version", "GET", AZ + "/contoso?api-version=2019-01-01")
h("az-get", "GET", AZ + "/contoso" + V)
h("az-put", "PUT", AZ + "/contoso" + V, J, if_match='"AAAAAAAAAAE="', body=FULL)
h("az-put-min", "PUT", AZ + "/a.b-c_d%20e" + V, J, body='{"properties":{"displayName":"Replaced","clientRegistrationEndpoint":"https://c/reg","authorizationEndpoint":"https://c/auth","clientId":"c","grantTypes":["implicit"]}}')
h("az-patch", "PATCH", AZ + "/patched" + V, "application/merge-patch+json", if_match="*", body='{"properties":{"clientId":"client-2","clientSecret":"rotated"}}')
h("az-patch-no-ifmatch", "PATCH", AZ + "/patched" + V, J, body='{"properties":{"clientId":"x"}}')
h("az-delete", "DELETE", AZ + "/contoso" + V, if_match='W/"AAAAAAAAAAI="')
h("az-secrets", "POST", AZ + "/contoso/listSecrets" + V)
h("az-bad-names", "PUT", "/subscriptions/" + "s" * 101 + "/resourceGroups/rg./providers/Microsoft.ApiManagement/service/-bad-/authorizationServers/a%23b" + V, J, body="{}")
h("ven-create", "POST", "/vedsdk/oauth/CreateApplication", J, body='{"ApplicationId":"v-app","Name":"App","Scope":"certificate:manage,discover;ssh","MaximumScope":"admin","AccessValidity":3600}')
h("ven-update", "POST", "/vedsdk/oauth/UpdateApplication", J, body='{"Application":{"ID":"v-beta","Name":"Beta 2","Scope":"ssh:manage"}}')
h("ven-get", "POST", "/vedsdk/oauth/getapplication", J, body='{"ApplicationId":"v-beta"}')
h("ven-getmany", "POST", "/vedsdk/oauth/GetApplications", J, body='{"ApplicationIds":["v-alpha","v-none","v-beta"]}')
h("ven-enum", "POST", "/vedsdk/oauth/EnumerateApplications", J, body='{"Start":0,"Count":1000,"OrderBy":3,"Descending":true}')
h("ven-delete", "POST", "/vedsdk/oauth/DeleteApplication", J, body='{"ApplicationId":"v-x"}')
h("ven-grants", "POST", "/vedsdk/oauth/EnumerateGrants", J, body='{"ApplicationId":"v-app","Start":0,"Count":10}')
h("ven-revoke-grants", "POST", "/vedsdk/oauth/RevokeGrants", J, body='{"ApplicationId":"v-app","Username":"alice"}')
h("ven-grantcount", "POST", "/vedsdk/oauth/GrantCount", J, body='{"ApplicationId":"v-app"}')
h("ven-scopes", "POST", "/vedsdk/oauth/GetScopes", J, body="")
h("ven-unknown-op", "POST", "/vedsdk/oauth/FlyToTheMoon", J, body="{}")
h("ven-authorize", "POST", "/vedauth/authorize/oauth", J, "", body='{"client_id":"v-app","username":"alice","password":"correct horse","scope":"certificate:manage"}')
h("ven-authorize-half", "POST", "/vedauth/authorize/oauth", J, "", body='{"client_id":"v-app","username":"bob"}')
h("ven-refresh", "POST", "/vedauth/authorize/token", J, "", body='{"client_id":"v-app","refresh_token":"' + TOKEN + '"}')
h("ven-verify", "GET", "/vedauth/authorize/verify")
h("ven-revoke", "GET", "/vedauth/revoke/token")
h("no-method", "PATCH", "/api/2/api_authorizations/1")
h("not-found", "GET", "/elsewhere", auth="")
h("bad-query", "GET", "/api/2/api_authorizations?name=%FF")
h("bad-json", "POST", "/api/2/api_authorizations", J, body='{"name":')
h("wrong-ct", "POST", "/api/2/api_authorizations", "text/plain", body=OL_BODY)

# ---------------------------------------------------------------- token service (fuzz_request, fuzz_handlers)
JWS = ("eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCIsImtpZCI6IjBfZE1uTHh4aU5FWkpKaUlhMTVnRDN1aXZEQ2lVVUd3Q2l0a0tDMHJGQXMifQ"
       ".eyJpc3MiOiJodHRwczovLzEyNy4wLjAuMToxODQ0My9vYXV0aDIvNyIsImNsaWVudF9pZCI6ImNsaWVudC0xIiwianRpIjoiM2YxYy43IiwiZXhwIjo0MTAyNDQ0ODAwfQ"
       ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
BASIC = "Basic Y2xpZW50LTE6czNjcjN0"
for p, m in [("/oauth2/7/v1/token", "POST"), ("/oauth2/7/v1/keys", "GET"), ("/oauth2/7/v1/introspect", "POST"),
             ("/oauth2/7/v1/revoke", "POST"), ("/.well-known/oauth-authorization-server/oauth2/7", "GET"),
             ("/oauth2/7/.well-known/openid-configuration", "HEAD"), ("/oidc/2/token", "POST"), ("/oidc/2/certs", "GET"),
             ("/oidc/2/token/introspection", "POST"), ("/oidc/2/token/revocation", "POST"),
             ("/.well-known/openid-configuration", "GET"), ("/oauth2/0/v1/keys", "GET")]:
    name = "tok" + p.replace("/", "-").replace(".", "")
    req(name, m, p, "auth.example.com:8443", FORM if m == "POST" else "", BASIC if m == "POST" else "")
    body = ""
    if p.endswith("token"):
        body = "grant_type=client_credentials&scope=read%20write&resource=https%3A%2F%2Fapi.example.com"
    elif "introspect" in p or "revoc" in p or p.endswith("revoke"):
        body = "token=" + JWS + "&token_type_hint=access_token"
    h(name, m, p, FORM if m == "POST" else "", BASIC if m == "POST" else "", body=body, host="auth.example.com")
h("tok-post-creds", "POST", "/oauth2/7/v1/token", FORM, "", body="grant_type=client_credentials&client_id=client-1&client_secret=s3cr3t&scope=read")
h("tok-json-body", "POST", "/oidc/2/token", J, BASIC, body='{"grant_type":"client_credentials"}')
h("tok-bad-grant", "POST", "/oauth2/7/v1/token", FORM, BASIC, body="grant_type=password&username=a&password=b")
h("tok-basic-encoded", "POST", "/oauth2/7/v1/token", FORM, "Basic YSUyQmI6YyUzQWQ=", body="grant_type=client_credentials")

# ---------------------------------------------------------------- fuzz_jose (real keys and signatures)
import base64, json, hashlib
from cryptography.hazmat.primitives.asymmetric import rsa, ec, ed25519, padding, utils
from cryptography.hazmat.primitives import hashes

d = os.path.join(root, "fuzz_jose"); os.makedirs(d, exist_ok=True)
def b64(b): return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
def put_jose(name, s):
    open(os.path.join(d, name), "wb").write(s.encode() if isinstance(s, str) else s)
def ib(n, l=None):
    l = l or (n.bit_length() + 7) // 8
    return n.to_bytes(l, "big")
def thumb(jwk):
    req = {"EC": ["crv","kty","x","y"], "OKP": ["crv","kty","x"], "RSA": ["e","kty","n"]}[jwk["kty"]]
    s = json.dumps({k: jwk[k] for k in req}, separators=(",", ":"), sort_keys=True)
    return b64(hashlib.sha256(s.encode()).digest())
claims = {"iss": "https://127.0.0.1:18443/oauth2/7", "sub": "client-1", "aud": "https://api.example.com",
          "client_id": "client-1", "scope": "read write", "jti": "3f1c9b0e.7", "iat": 1764000000, "exp": 4102444800}
def token(alg, kid, sign, typ="at+jwt", hdr_extra=None, payload=None):
    h = {"alg": alg, "typ": typ, "kid": kid}
    if hdr_extra: h.update(hdr_extra)
    si = b64(json.dumps(h, separators=(",", ":")).encode()) + "." + b64(json.dumps(payload or claims, separators=(",", ":")).encode())
    return si + "." + b64(sign(si.encode()))
# RSA
rk = rsa.generate_private_key(public_exponent=65537, key_size=2048)
pn = rk.public_key().public_numbers()
rjwk = {"kty": "RSA", "n": b64(ib(pn.n)), "e": b64(ib(pn.e))}
rkid = thumb(rjwk); rjwk.update({"kid": rkid, "use": "sig", "alg": "RS256"})
rs = lambda m: rk.sign(m, padding.PKCS1v15(), hashes.SHA256())
put_jose("rs256", token("RS256", rkid, rs) + "\n" + json.dumps(rjwk))
put_jose("rs256-no-key", token("RS256", rkid, rs))
# ES256
ek = ec.generate_private_key(ec.SECP256R1())
en = ek.public_key().public_numbers()
ejwk = {"kty": "EC", "crv": "P-256", "x": b64(ib(en.x, 32)), "y": b64(ib(en.y, 32))}
ekid = thumb(ejwk); ejwk.update({"kid": ekid, "use": "sig", "alg": "ES256"})
def es(m):
    r, s = utils.decode_dss_signature(ek.sign(m, ec.ECDSA(hashes.SHA256())))
    return ib(r, 32) + ib(s, 32)
put_jose("es256", token("ES256", ekid, es) + "\n" + json.dumps(ejwk))
put_jose("es256-wrong-alg", token("RS256", ekid, es) + "\n" + json.dumps(ejwk))
# EdDSA
dk = ed25519.Ed25519PrivateKey.generate()
from cryptography.hazmat.primitives import serialization
raw = dk.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
djwk = {"kty": "OKP", "crv": "Ed25519", "x": b64(raw)}
dkid = thumb(djwk); djwk.update({"kid": dkid, "use": "sig", "alg": "EdDSA"})
put_jose("eddsa", token("EdDSA", dkid, dk.sign) + "\n" + json.dumps(djwk))
put_jose("eddsa-jwk-minimal", token("EdDSA", dkid, dk.sign, typ="JWT") + "\n" + json.dumps({"kty": "OKP", "crv": "Ed25519", "x": b64(raw)}))
# malformed and refused shapes
z = lambda m: b"\0" * 64
put_jose("none", b64(b'{"alg":"none"}') + "." + b64(json.dumps(claims).encode()) + ".")
put_jose("crit", token("ES256", ekid, es, hdr_extra={"crit": ["exp"]}))
put_jose("padded", token("ES256", ekid, es) + "=")
put_jose("two-parts", b64(b'{"alg":"ES256"}') + "." + b64(b'{}'))
put_jose("four-parts", token("ES256", ekid, z) + ".x")
put_jose("noncanonical", token("ES256", ekid, z)[:-1] + "B")
put_jose("header-array", b64(b'["alg"]') + "." + b64(b'{}') + "." + b64(b"\0" * 64))
put_jose("payload-string", b64(b'{"alg":"ES256"}') + "." + b64(b'"x"') + "." + b64(b"\0" * 64))
put_jose("alg-number", b64(b'{"alg":256}') + "." + b64(b'{}') + "." + b64(b"\0" * 64))
put_jose("dup-keys", b64(b'{"alg":"ES256","alg":"RS256"}') + "." + b64(b'{}') + "." + b64(b"\0" * 64))
put_jose("std-alphabet", token("ES256", ekid, z).replace("-", "+").replace("_", "/"))
put_jose("jwk-header", b64(json.dumps(dict(ejwk, alg="ES256")).encode()) + "." + b64(b'{}') + "." + b64(b"\0" * 64))
put_jose("jwk-rsa-e3", token("RS256", rkid, z) + "\n" + json.dumps({"kty": "RSA", "n": rjwk["n"], "e": "Aw"}))
put_jose("jwk-rsa-leading-zero", token("RS256", rkid, z) + "\n" + json.dumps({"kty": "RSA", "n": "AA" + rjwk["n"], "e": "AQAB"}))
put_jose("jwk-ec-short", token("ES256", ekid, z) + "\n" + json.dumps({"kty": "EC", "crv": "P-256", "x": b64(ib(en.x, 32)[1:]), "y": ejwk["y"]}))
put_jose("jwk-ec-off-curve", token("ES256", ekid, z) + "\n" + json.dumps({"kty": "EC", "crv": "P-256", "x": ejwk["x"], "y": ejwk["x"]}))
put_jose("jwk-use-enc", token("EdDSA", dkid, z) + "\n" + json.dumps(dict(djwk, use="enc")))
put_jose("jwk-alg-mismatch", token("EdDSA", dkid, z) + "\n" + json.dumps(dict(djwk, alg="ES256")))
put_jose("empty", "")
put_jose("dots", "..")
