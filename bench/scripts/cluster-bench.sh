#!/usr/bin/env bash
# The cluster runs of docs/benchmarks.md: one PostgreSQL and one Redis started here on free loopback ports,
# Natter nodes of examples/target/natter-server.jar on them, and the load driver in its own JVM. Three
# deployments, each with the same two load runs:
#   alone     1 node on the shared PostgreSQL store, no cluster (the baseline)
#   cluster1  1 node with --redis (what the cluster costs on one node)
#   cluster2  2 nodes with --redis, the driver's clients split between them
# Leaves nothing running. Build first:  ./mvnw -B -q -DskipTests package -pl examples,bench -am
# Usage: bench/scripts/cluster-bench.sh [--duration SECS] [--warmup SECS]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=10
warmup=3
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    *) echo "cluster-bench.sh: unknown flag $1" >&2; exit 2 ;;
  esac
done
jar=examples/target/natter-server.jar
bench=bench/target/benchmarks.jar
for f in "$jar" "$bench"; do
  [ -f "$f" ] || { echo "cluster-bench.sh: $f is missing; build first" >&2; exit 2; }
done
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$pg_bin/initdb" ] || { echo "cluster-bench.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 2; }
command -v redis-server >/dev/null || { echo "cluster-bench.sh: redis-server is not installed" >&2; exit 2; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
await_port() { # port, what
  for _ in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "cluster-bench.sh: $2 did not listen on $1" >&2; exit 1
}
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

work=$(mktemp -d)
chmod 755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  as_postgres "$pg_bin/pg_ctl" -D "$work/pg" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

pg_port=$(free_port)
mkdir "$work/pg" && [ "$(id -u)" = 0 ] && chown postgres "$work/pg"
as_postgres "$pg_bin/initdb" -D "$work/pg" --auth=trust -U postgres >/dev/null
as_postgres "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" \
  -o "-p $pg_port -c listen_addresses=127.0.0.1 -k $work/pg" -w start >/dev/null
redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --loglevel warning \
  --dir "$work" >"$work/redis.log" 2>&1 &
pids+=($!)
await_port "$redis_port" redis-server

db=0
start_nodes() { # count, with cluster (yes/no); sets urls and node_pids
  db=$((db + 1))
  as_postgres psql -h 127.0.0.1 -p "$pg_port" -U postgres -q -c "CREATE DATABASE natter$db" >/dev/null
  urls=()
  node_pids=()
  for n in $(seq 1 "$1"); do
    local port
    port=$(free_port)
    local args=(--host 127.0.0.1 --port "$port" --rate-limit off
      --jdbc-url "jdbc:postgresql://127.0.0.1:$pg_port/natter$db" --jdbc-user postgres)
    if [ "$2" = yes ]; then args+=(--redis "redis://127.0.0.1:$redis_port" --node-id "n$n"); fi
    java -jar "$jar" "${args[@]}" >"$work/node$db-$n.log" 2>&1 &
    node_pids+=($!)
    pids+=($!)
    await_port "$port" "node n$n"
    urls+=(--url "ws://127.0.0.1:$port/chat")
  done
}
stop_nodes() {
  for pid in "${node_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${node_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
drive() { # label, deployment, driver flags...
  local label=$1 deployment=$2
  shift 2
  echo "== $deployment: $label" >&2
  java -cp "$bench" dev.natter.bench.load.LoadDriver "${urls[@]}" "$@" --duration "$duration" --warmup "$warmup" \
    | tail -1 | sed "s|^|{\"deployment\":\"$deployment\",\"run\":\"$label\",\"result\":|; s|\$|}|"
}

for deployment in alone cluster1 cluster2; do
  case $deployment in
    alone) start_nodes 1 no ;;
    cluster1) start_nodes 1 yes ;;
    cluster2) start_nodes 2 yes ;;
  esac
  drive "500 clients, 5 senders flat out" "$deployment" --clients 500 --rooms 1 --senders 5 --rate 0 --window 32
  drive "100 clients, 10 senders at 5 msg/s" "$deployment" --clients 100 --senders 10 --rate 5
  stop_nodes
done
