"""Seeds a running Samkjøp server for fuzzing and prints shell assignments."""
import json
import sys
import urllib.request
from datetime import datetime, timedelta, timezone

BASE = sys.argv[1]
PASSWORD = "fuzz-passord-123"


def call(method, path, body=None, token=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(BASE + path, data=data, method=method)
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", "Bearer " + token)
    with urllib.request.urlopen(req) as res:
        text = res.read()
        return json.loads(text) if text else None


def login(email, password=PASSWORD):
    return call("POST", "/api/v1/auth/token", {"email": email, "password": password})["access_token"]


admin = login("drift@samkjop.no", "fuzz-admin-passord")
office = call("POST", "/api/v1/organizations",
              {"kind": "procurement_office", "name": "Fuzz innkjøp", "org_number": "974760673"}, admin)
call("POST", "/api/v1/users", {"email": "k@fuzz.no", "password": PASSWORD, "role": "coordinator",
                               "organization_id": office["id"]}, admin)
call("POST", "/api/v1/users", {"email": "m@fuzz.no", "password": PASSWORD, "role": "municipality",
                               "municipality": "4601"}, admin)
call("POST", "/api/v1/suppliers", {"org_number": "914778271", "name": "Fuzz AS", "email": "s@fuzz.no",
                                   "password": PASSWORD, "employees": 5, "annual_turnover_ore": 100000000,
                                   "home_municipality": "4601", "service_area": ["46"], "cpv": ["555"]})
coordinator, municipality, supplier = login("k@fuzz.no"), login("m@fuzz.no"), login("s@fuzz.no")
today = datetime.now(timezone.utc)
proc = call("POST", "/api/v1/procurements", {
    "title": "Skolemat", "contract_type": "services", "cpv": "55524000-9", "framework_agreement": True,
    "contract_start": (today + timedelta(days=120)).date().isoformat(), "duration_months": 24,
    "option_months": 12, "participation_deadline": (today + timedelta(days=30)).isoformat(),
    "invited": ["4601", "4602"]}, coordinator)
lot = call("POST", f"/api/v1/procurements/{proc['id']}/lots",
           {"title": "Skolemåltid", "cpv": "55524000-9", "unit": "porsjon", "unit_price_ore": 4500}, coordinator)
call("POST", f"/api/v1/procurements/{proc['id']}/open", {}, coordinator)
print(f"PROCUREMENT_ID={proc['id']} LOT_ID={lot['id']}")
print(f"TOKEN_ADMIN={admin} TOKEN_COORDINATOR={coordinator} TOKEN_MUNICIPALITY={municipality} TOKEN_SUPPLIER={supplier}")
