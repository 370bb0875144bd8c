# privacyIDEA test server helpers for tests/stages/50-privacyidea.sh. Source it; do not run it.
#
# Everything lives in one throwaway directory ($PI_DIR): config, SQLite database, keys, log.
# pi_stop stops only the server process this file started (by its recorded PID).

PI_VENV="${DUET_CACHE:?source tests/lib.sh first}/venv-privacyidea"
# Pinned so the protocol under test does not move under us; bump deliberately.
PI_VERSION="${PI_VERSION:-3.14}"

# pi_install: a venv of its own, because privacyIDEA pins many libraries other stages also use.
pi_install() {
  [ -x "$PI_VENV/bin/python" ] || python3 -m venv "$PI_VENV"
  if ! "$PI_VENV/bin/pip" show privacyidea 2>/dev/null | grep -qx "Version: $PI_VERSION"; then
    "$PI_VENV/bin/pip" install -q --disable-pip-version-check "privacyidea==$PI_VERSION"
  fi
}

# pi_free_port: asks the kernel for a free TCP port on 127.0.0.1.
pi_free_port() {
  "$PI_VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# pi_configure DIR: writes pi.cfg and creates keys and tables in DIR.
pi_configure() {
  PI_DIR="$1"
  mkdir -p "$PI_DIR"
  local secret pepper uuid
  secret="$("$PI_VENV/bin/python" -c 'import secrets; print(secrets.token_hex(32))')"
  pepper="$("$PI_VENV/bin/python" -c 'import secrets; print(secrets.token_hex(16))')"
  uuid="$("$PI_VENV/bin/python" -c 'import uuid; print(uuid.uuid4())')"
  cat > "$PI_DIR/pi.cfg" <<CFG
SQLALCHEMY_DATABASE_URI = 'sqlite:///$PI_DIR/pi.sqlite'
SECRET_KEY = '$secret'
PI_PEPPER = '$pepper'
PI_ENCFILE = '$PI_DIR/enckey'
PI_AUDIT_KEY_PRIVATE = '$PI_DIR/audit-private.pem'
PI_AUDIT_KEY_PUBLIC = '$PI_DIR/audit-public.pem'
PI_AUDIT_SQL_TRUNCATE = True
PI_NODE_UUID = '$uuid'
PI_NODE = 'duet-test'
PI_LOGFILE = '$PI_DIR/privacyidea.log'
PI_LOGLEVEL = 20
SUPERUSER_REALM = ['superuser']
PI_BASE_URL = 'http://127.0.0.1/'
CFG
  export PRIVACYIDEA_CONFIGFILE="$PI_DIR/pi.cfg"
  local m="$PI_VENV/bin/pi-manage"
  "$m" setup create_enckey >"$PI_DIR/setup.log" 2>&1
  "$m" setup create_audit_keys >>"$PI_DIR/setup.log" 2>&1
  "$m" setup create_tables >>"$PI_DIR/setup.log" 2>&1
  PI_ADMIN_PASS="$("$PI_VENV/bin/python" -c 'import secrets; print(secrets.token_hex(12))')"
  "$m" admin add admin -p "$PI_ADMIN_PASS" >>"$PI_DIR/setup.log" 2>&1
}

# pi_start PORT: starts the server on 127.0.0.1:PORT and waits until it answers.
pi_start() {
  PI_PORT="$1"
  PI_URL="http://127.0.0.1:$PI_PORT"
  PRIVACYIDEA_CONFIGFILE="$PI_DIR/pi.cfg" "$PI_VENV/bin/pi-manage" run -h 127.0.0.1 -p "$PI_PORT" \
    >"$PI_DIR/server.out" 2>&1 &
  PI_PID=$!
  echo "$PI_PID" > "$PI_DIR/server.pid"
  local i
  for i in $(seq 1 120); do
    if curl -fsS "$PI_URL/healthz/" >/dev/null 2>&1; then return 0; fi
    kill -0 "$PI_PID" 2>/dev/null || { cat "$PI_DIR/server.out" >&2; return 1; }
    sleep 0.5
  done
  echo "privacyIDEA did not come up on $PI_URL" >&2; cat "$PI_DIR/server.out" >&2
  return 1
}

# pi_stop: stops the server started by pi_start (and only it).
pi_stop() {
  if [ -n "${PI_PID:-}" ] && kill -0 "$PI_PID" 2>/dev/null; then
    kill "$PI_PID" 2>/dev/null || true
    wait "$PI_PID" 2>/dev/null || true
  fi
  PI_PID=""
}

# pi_login: fetches an admin JWT into PI_AUTH.
pi_login() {
  PI_AUTH="$(curl -fsS -X POST "$PI_URL/auth" --data-urlencode username=admin \
    --data-urlencode "password=$PI_ADMIN_PASS" | pi_json 'result.value.token')"
}

# pi_api METHOD PATH [curl args...]: an authenticated admin API call; prints the JSON body.
pi_api() {
  local method="$1" path="$2"; shift 2
  curl -sS -X "$method" -H "Authorization: $PI_AUTH" "$PI_URL$path" "$@"
}

# pi_json DOTTED.PATH: reads JSON on stdin and prints one value (lists by index, e.g. a.0.b).
pi_json() {
  "$PI_VENV/bin/python" -c '
import json, sys
v = json.load(sys.stdin)
for part in sys.argv[1].split("."):
    v = v[int(part)] if isinstance(v, list) else v[part]
print(json.dumps(v) if isinstance(v, (dict, list, bool)) or v is None else v)
' "$1"
}
