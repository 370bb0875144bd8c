"""The reference server's admin API as the PAM test scripts call it (BASE, ADMIN_KEY from the stage)."""
import json
import os
import urllib.request


def admin(method, path, body=None):
    req = urllib.request.Request(
        f"{os.environ['BASE']}/admin/api/v1{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {os.environ['ADMIN_KEY']}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)
