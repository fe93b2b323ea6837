"""Seeds a running Samkjøp server for fuzzing and prints shell assignments.
Usage: fuzz_seed.py BASE_URL MAIL_DIR (where the server writes its mail as .eml files)."""
import email
import email.policy
import json
import pathlib
import re
import sys
import time
import urllib.request
from datetime import datetime, timedelta, timezone

BASE = sys.argv[1]
MAIL_DIR = pathlib.Path(sys.argv[2])
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


def login(address, password=PASSWORD):
    return call("POST", "/api/v1/auth/token", {"email": address, "password": password})["access_token"]


def confirm_registration(address):
    """Opens the confirmation link mailed to `address` and presses its button, as a person does."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for path in sorted(MAIL_DIR.glob("*.eml")) if MAIL_DIR.is_dir() else []:
            msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if address not in str(msg["To"]):
                continue
            text = msg.get_body(("plain",)).get_content()
            found = re.search(r"(/confirm/[0-9a-f]+)", text)
            if found:
                link = BASE + found.group(1)
                with urllib.request.urlopen(link) as res:
                    assert res.status == 200
                req = urllib.request.Request(link, data=b"", method="POST")
                req.add_header("content-type", "application/x-www-form-urlencoded")
                with urllib.request.urlopen(req) as res:
                    assert res.status == 200
                return
        time.sleep(0.2)
    sys.exit(f"no confirmation mail to {address} under {MAIL_DIR}")


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
confirm_registration("s@fuzz.no")
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
