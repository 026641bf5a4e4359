#!/usr/bin/env bash
# A real RabbitMQ on 127.0.0.1 with everything under DIR, for the system suite.
#   rabbitmq.sh start DIR PORT   -> prints the transport URL; ready when it returns
#   rabbitmq.sh stop DIR
#   rabbitmq.sh ctl DIR ARGS...  -> rabbitmqctl against that node (e.g. close_all_connections)
#   rabbitmq.sh down DIR / up DIR -> stop the node, keeping its data (queues, users); start it again (outage tests)
set -euo pipefail
cmd=${1:?start|stop|ctl|down|up}; dir=${2:?DIR}
ctl=/usr/lib/rabbitmq/bin/rabbitmqctl  # the /usr/sbin wrapper switches to the rabbitmq user
node_env() {
  export HOME="$dir" RABBITMQ_NODENAME="protector-ci@localhost" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 ERL_EPMD_ADDRESS=127.0.0.1
  export RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_PID_FILE="$dir/rabbit.pid"
  export RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" RABBITMQ_CONFIG_FILE="$dir/rabbitmq"
  # Below the kernel's ephemeral range (32768+), where any test's outgoing socket could hold it.
  export RABBITMQ_DIST_PORT=$(( ${port:-5672} + 10000 ))
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
}
serve() {  # starts the node on DIR and waits until it answers
  export RABBITMQ_NODE_PORT="$port"
  /usr/lib/rabbitmq/bin/rabbitmq-server >>"$dir/server.log" 2>&1 &
  echo $! > "$dir/server.pid"
  if ! "$ctl" -n "$RABBITMQ_NODENAME" wait --timeout 90 "$RABBITMQ_PID_FILE" >"$dir/wait.log" 2>&1; then
    echo "rabbitmq did not start on port $port; see $dir/server.log" >&2; exit 1
  fi
}
halt() {  # stops the node (not epmd, which other nodes may share) and waits for its process to end
  "$ctl" -n "$RABBITMQ_NODENAME" shutdown >/dev/null 2>&1 || true
  if [ -f "$dir/server.pid" ]; then
    pid=$(cat "$dir/server.pid"); kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  fi
}
case "$cmd" in
start)
  port=${3:?PORT}
  rm -rf "$dir"; mkdir -p "$dir/log" "$dir/mnesia"
  echo "[]." > "$dir/enabled_plugins"
  echo "$port" > "$dir/port"
  node_env
  serve
  "$ctl" -n "$RABBITMQ_NODENAME" add_user protector protector-secret >/dev/null
  "$ctl" -n "$RABBITMQ_NODENAME" set_permissions -p / protector '.*' '.*' '.*' >/dev/null
  echo "rabbit://protector:protector-secret@127.0.0.1:$port/" ;;
ctl)
  port=$(cat "$dir/port"); node_env; shift 2
  "$ctl" -n "$RABBITMQ_NODENAME" "$@" ;;
down)
  port=$(cat "$dir/port"); node_env; halt ;;
up)
  port=$(cat "$dir/port"); node_env; serve ;;
stop)
  [ -f "$dir/port" ] || exit 0
  port=$(cat "$dir/port"); node_env
  "$ctl" -n "$RABBITMQ_NODENAME" shutdown >/dev/null 2>&1 || true
  if [ -f "$dir/server.pid" ]; then kill "$(cat "$dir/server.pid")" 2>/dev/null || true; fi
  # epmd outlives the node; end the one this node started (it listens on loopback only).
  pkill -f "epmd.*-address 127.0.0.1" 2>/dev/null || pkill -x epmd 2>/dev/null || true ;;
*) echo "usage: rabbitmq.sh start DIR PORT | ctl DIR ARGS... | stop DIR | down DIR | up DIR" >&2; exit 2 ;;
esac
