#!/usr/bin/env bash
# A real Keystone (Debian's python3-keystone under uwsgi) on 127.0.0.1, for the system suite.
#   keystone.sh start DIR PORT ADMIN_PASSWORD   -> prints the pid file path; ready when it returns
#   keystone.sh stop DIR
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?DIR}
case "$cmd" in
start)
  port=${3:?PORT}; password=${4:?ADMIN_PASSWORD}
  rm -rf "$dir"; mkdir -p "$dir"/fernet-keys "$dir"/credential-keys
  cat > "$dir/keystone.conf" <<CONF
[DEFAULT]
log_file = $dir/keystone.log
[database]
connection = sqlite:///$dir/keystone.db
[token]
provider = fernet
[fernet_tokens]
key_repository = $dir/fernet-keys
[credential]
key_repository = $dir/credential-keys
[cache]
enabled = false
CONF
  export OS_KEYSTONE_CONFIG_FILES="$dir/keystone.conf"
  # keystone-manage prints a harmless eventlet traceback at exit; its exit code is what counts.
  keystone-manage --config-file "$dir/keystone.conf" db_sync >"$dir/manage.log" 2>&1
  python3 -c "import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute('PRAGMA journal_mode=wal')" "$dir/keystone.db"
  keystone-manage --config-file "$dir/keystone.conf" fernet_setup --keystone-user root --keystone-group root >>"$dir/manage.log" 2>&1
  keystone-manage --config-file "$dir/keystone.conf" credential_setup --keystone-user root --keystone-group root >>"$dir/manage.log" 2>&1
  keystone-manage --config-file "$dir/keystone.conf" bootstrap --bootstrap-password "$password" \
    --bootstrap-region-id RegionOne --bootstrap-public-url "http://127.0.0.1:$port/v3/" >>"$dir/manage.log" 2>&1
  # uwsgi's http-socket does not keep connections alive; saying so stops clients reusing dead sockets.
  uwsgi --plugin python3 --http-socket "127.0.0.1:$port" --wsgi-file /usr/bin/keystone-wsgi-public \
    --add-header "Connection: close" --master --processes 1 --threads 1 --die-on-term --pidfile "$dir/uwsgi.pid" >"$dir/uwsgi.log" 2>&1 &
  for _ in $(seq 1 120); do
    if curl -sf "http://127.0.0.1:$port/v3" >/dev/null; then echo "$dir/uwsgi.pid"; exit 0; fi
    sleep 0.5
  done
  echo "keystone did not answer on port $port; see $dir/uwsgi.log" >&2; exit 1 ;;
stop)
  if [ -f "$dir/uwsgi.pid" ]; then
    pid=$(cat "$dir/uwsgi.pid"); kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  fi ;;
*) echo "usage: keystone.sh start DIR PORT PASSWORD | stop DIR" >&2; exit 2 ;;
esac
