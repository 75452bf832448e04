#!/usr/bin/env bash
# The classroom server as a student's laptop sees it: a second host (a network namespace joined
# by a virtual cable) reaches `parley serve --host 0.0.0.0` through the machine's address,
# joins, submits and receives the live stream; the default (--host 127.0.0.1) is unreachable
# from it. Needs root and iproute2 (tools/check installs it; CI runs as root).
# With PARLEY_LAPTOP_SCREENSHOT=FILE, a browser on that host (Debian's chromium through
# playwright-core, tests/web/laptop.mjs) also joins through the pages and plays a turn.
# usage: serve_network_test.sh PARLEY_BINARY SCENARIO
set -euo pipefail
parley="$1"
scenario="$2"
if [ "$(id -u)" -ne 0 ]; then
  echo "FAILED: this test makes a network namespace and needs root" >&2
  exit 1
fi
command -v ip >/dev/null || { echo "FAILED: iproute2's ip is missing (tools/check installs it)" >&2; exit 1; }
command -v curl >/dev/null || { echo "FAILED: curl is missing (tools/check installs it)" >&2; exit 1; }

ns="parley-student-$$"
host_if="pv$$h"
host_ip=10.213.$(( $$ % 200 )).1
student_ip=10.213.$(( $$ % 200 )).2
tmp="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  ip link del "$host_if" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
ip netns add "$ns"
ip link add "$host_if" type veth peer name "pv$$s"
ip link set "pv$$s" netns "$ns"
ip addr add "$host_ip/24" dev "$host_if"
ip link set "$host_if" up
ip netns exec "$ns" ip addr add "$student_ip/24" dev "pv$$s"
ip netns exec "$ns" ip link set "pv$$s" up
ip netns exec "$ns" ip link set lo up
laptop() { ip netns exec "$ns" curl -s -m 5 "$@"; }

# Starts `parley serve` with the given host; prints the port.
serve() {
  local log="$tmp/serve-$1.log"
  "$parley" serve "$scenario" --host "$1" --port 0 --data "$tmp/data-$1" --reference-runs 200 >"$log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 300); do
    grep -q 'students join' "$log" && break
    sleep 0.02
  done
  grep -o 'http://127.0.0.1:[0-9]*' "$log" | head -1 | sed 's/.*://'
}

status=0
port=$(serve 0.0.0.0)
log="$tmp/serve-0.0.0.0.log"
# The server prints a link with the address the laptop can reach.
if ! grep -q "http://$host_ip:$port/join?code=" "$log"; then
  echo "FAILED: the links do not name the address $host_ip" >&2; cat "$log" >&2; status=1
fi
code=$(grep -o 'join?code=[A-Z0-9]*' "$log" | head -1 | cut -d= -f2)
token=$(grep -o 'facilitator#token=[0-9a-f]*' "$log" | head -1 | cut -d= -f2)
page=$(laptop -o /dev/null -w '%{http_code}' "http://$host_ip:$port/join?code=$code")
[ "$page" = 200 ] || { echo "FAILED: the join page over the network answered $page" >&2; status=1; }
team=$(laptop -X POST "http://$host_ip:$port/api/worlds/1/teams" \
  -d "{\"code\":\"$code\",\"actor\":\"US\",\"name\":\"Laptop\"}" | sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p')
[ ${#team} -eq 32 ] || { echo "FAILED: joining over the network gave no team token" >&2; status=1; }
# The laptop holds the stream while the facilitator (on the machine itself) opens a turn.
laptop -N "http://$host_ip:$port/api/worlds/1/stream?token=$team" >"$tmp/stream" &
pids+=($!)
sleep 0.5
curl -s -m 5 -X POST -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/worlds/1/open" -d '{}' >/dev/null
answer=$(laptop -X POST -H "Authorization: Bearer $team" "http://$host_ip:$port/api/worlds/1/moves" \
  -d '{"turn":1,"moves":[]}')
case "$answer" in *'"ok":true'*) ;; *) echo "FAILED: submitting over the network: $answer" >&2; status=1;; esac
sleep 0.5
views=$(grep -c '^event: view' "$tmp/stream" || true)
if [ "$views" -lt 2 ] || ! grep -q '"resolved":1' "$tmp/stream"; then
  echo "FAILED: the laptop's stream got $views views and not the resolved turn" >&2; status=1
fi

# A browser on the laptop: joins through the pages at the network address, goes live, sees the
# facilitator open a turn and passes it.
if [ -n "${PARLEY_LAPTOP_SCREENSHOT:-}" ]; then
  ip netns exec "$ns" node "$(dirname "$0")/../web/laptop.mjs" "http://$host_ip:$port" "$code" TLB \
    "Laptop browser" 2 "$PARLEY_LAPTOP_SCREENSHOT" >"$tmp/laptop.log" 2>&1 &
  laptop_pid=$!
  for _ in $(seq 1 500); do
    grep -q 'team page is live' "$tmp/laptop.log" && break
    kill -0 $laptop_pid 2>/dev/null || break
    sleep 0.05
  done
  # Turn 1 has resolved above; the facilitator opens turn 2.
  curl -s -m 5 -X POST -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/worlds/1/open" -d '{}' >/dev/null
  if ! wait $laptop_pid; then
    echo "FAILED: the laptop's browser:" >&2; cat "$tmp/laptop.log" >&2; status=1
  else
    cat "$tmp/laptop.log"
  fi
fi

# By default the server listens on loopback only: the laptop cannot reach it.
port2=$(serve 127.0.0.1)
if laptop -o /dev/null "http://$host_ip:$port2/api/health"; then
  echo "FAILED: a server on 127.0.0.1 answered another host" >&2; status=1
fi
[ $status -eq 0 ] && echo "network: a second host joined, submitted and streamed over $host_ip; loopback-only refused it"
exit $status
