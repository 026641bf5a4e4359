#!/usr/bin/env bash
# A real MariaDB on 127.0.0.1 with its own datadir, for the system suite.
#   mariadb.sh start DIR PORT   -> prints the connection URL of an empty database; ready when it returns
#   mariadb.sh stop DIR
#   mariadb.sh down DIR / up DIR  -> stop the server, keeping its data; start it again (outage tests)
set -euo pipefail
cmd=${1:?start|stop|down|up}; dir=${2:?DIR}
serve() {  # starts mariadbd on DIR's datadir and waits until it answers
  mariadbd --user=root --datadir="$dir/data" --socket="$dir/mysqld.sock" --port="$(cat "$dir/port")" --bind-address=127.0.0.1 \
    --pid-file="$dir/mysqld.pid" --skip-log-bin >>"$dir/mysqld.log" 2>&1 &
  for _ in $(seq 1 120); do
    if mariadb --socket="$dir/mysqld.sock" -uroot -e 'SELECT 1' >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  echo "mariadb did not answer on port $(cat "$dir/port"); see $dir/mysqld.log" >&2; return 1
}
halt() {  # ends the server by its pid file and waits until it is gone
  if [ -f "$dir/mysqld.pid" ]; then
    pid=$(cat "$dir/mysqld.pid"); kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  fi
}
case "$cmd" in
start)
  port=${3:?PORT}
  rm -rf "$dir"; mkdir -p "$dir"
  echo "$port" > "$dir/port"
  mariadb-install-db --user=root --datadir="$dir/data" --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1
  if serve; then
    mariadb --socket="$dir/mysqld.sock" -uroot -e "
      CREATE DATABASE protector_test CHARACTER SET utf8mb4;
      CREATE USER 'protector'@'127.0.0.1' IDENTIFIED BY 'protector-secret';
      GRANT ALL ON \`protector_test%\`.* TO 'protector'@'127.0.0.1';"
    echo "mysql+pymysql://protector:protector-secret@127.0.0.1:$port/protector_test"; exit 0
  fi
  exit 1 ;;
stop|down) halt ;;
up) serve ;;
*) echo "usage: mariadb.sh start DIR PORT | stop DIR | down DIR | up DIR" >&2; exit 2 ;;
esac
