#!/usr/bin/env bash
# Local single-node Apache Kafka (KRaft) for machines without Docker.
#   scripts/kafka.sh up      fetch (Maven Central), format, start, wait; idempotent
#   scripts/kafka.sh down    stop it (--purge also deletes its data)
#   scripts/kafka.sh status
# Settings: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_HEAP (512m), TALLY_INFRA_DIR (.infra).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
infra="${TALLY_INFRA_DIR:-$root/.infra}/kafka"
port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-9093}"
heap="${KAFKA_HEAP:-512m}"
libs="$infra/libs"
data="$infra/data"
pidfile="$infra/kafka.pid"
logfile="$infra/kafka.log"

say() { printf '[infra] %s\n' "$*"; }
die() { printf '[infra] error: %s\n' "$*" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

running_pid() {
  [[ -f "$pidfile" ]] || return 1
  local pid; pid="$(cat "$pidfile")"
  kill -0 "$pid" 2>/dev/null && grep -q "kafka.Kafka" "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
}

fetch() {
  if [[ -f "$libs/.complete" ]]; then return; fi
  command -v mvn >/dev/null || die "Maven (mvn) is needed to fetch Kafka from Maven Central"
  say "fetching Apache Kafka $(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$root/infra/kafka/pom.xml") from Maven Central"
  rm -rf "$libs" && mkdir -p "$libs"
  mvn -q -B -f "$root/infra/kafka/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$libs" -DincludeScope=runtime >"$infra/maven.log" 2>&1 \
    || { tail -20 "$infra/maven.log" >&2; die "Maven could not fetch Kafka (log: $infra/maven.log)"; }
  touch "$libs/.complete"
}

configure() {
  sed -e "s#@DATA_DIR@#$data#" -e "s#@PORT@#$port#g" -e "s#@CONTROLLER_PORT@#$controller_port#g" \
    "$root/infra/kafka/server.properties" >"$infra/server.properties"
  if [[ ! -f "$data/meta.properties" ]]; then
    mkdir -p "$data"
    local cluster; cluster="$(java -cp "$libs/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)"
    java -cp "$libs/*" -Dlog4j.configuration="file:$root/infra/kafka/log4j.properties" \
      kafka.tools.StorageTool format -t "$cluster" -c "$infra/server.properties" >"$infra/format.log" 2>&1 \
      || { cat "$infra/format.log" >&2; die "could not format $data"; }
    say "formatted $data (cluster $cluster)"
  fi
}

check_postgres() {
  if command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then
    say "PostgreSQL is up at 127.0.0.1:5432"
  elif command -v pg_ctlcluster >/dev/null && [[ -d /etc/postgresql ]]; then
    say "PostgreSQL is down; starting it"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || say "could not start PostgreSQL"
    sleep 1
    pg_isready -q -h 127.0.0.1 -p 5432 && say "PostgreSQL is up at 127.0.0.1:5432" || say "PostgreSQL is still unreachable"
  else
    say "PostgreSQL is not reachable at 127.0.0.1:5432 (suites needing it will skip, or fail with REQUIRE_INFRA=1)"
  fi
}

print_env() {
  cat <<ENV
[infra] environment for full mode and the integration suites:
  export KAFKA_BROKERS=127.0.0.1:$port
  export DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres
ENV
}

up() {
  mkdir -p "$infra"
  command -v java >/dev/null || die "a Java runtime (17+) is needed to run Kafka"
  if pid="$(running_pid)"; then
    say "Kafka already running (pid $pid) on 127.0.0.1:$port"
    check_postgres; print_env; return
  fi
  port_open "$port" && die "port $port is taken by another process; set KAFKA_PORT"
  fetch
  configure
  say "starting Kafka on 127.0.0.1:$port (heap $heap, log $logfile)"
  nohup java "-Xms$heap" "-Xmx$heap" -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$root/infra/kafka/log4j.properties" \
    -cp "$libs/*" kafka.Kafka "$infra/server.properties" >"$logfile" 2>&1 </dev/null &
  echo $! >"$pidfile"
  for _ in $(seq 1 120); do
    if ! running_pid >/dev/null; then tail -30 "$logfile" >&2; die "Kafka exited during start-up"; fi
    if port_open "$port" && grep -q "Kafka Server started" "$logfile"; then
      say "Kafka is up (pid $(cat "$pidfile"))"
      check_postgres; print_env; return
    fi
    sleep 0.5
  done
  tail -30 "$logfile" >&2
  die "Kafka did not start within 60 s"
}

down() {
  if pid="$(running_pid)"; then
    say "stopping Kafka (pid $pid)"
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && { say "still running after 30 s; killing"; kill -9 "$pid"; }
  else
    say "Kafka is not running"
  fi
  rm -f "$pidfile"
  if [[ "${1:-}" == "--purge" ]]; then rm -rf "$data" && say "deleted $data"; fi
}

status() {
  if pid="$(running_pid)"; then say "Kafka running (pid $pid) on 127.0.0.1:$port"; else say "Kafka is not running"; exit 1; fi
}

case "${1:-}" in
  up) up ;;
  down) shift; down "${1:-}" ;;
  status) status ;;
  *) echo "usage: $0 up|down [--purge]|status" >&2; exit 2 ;;
esac
