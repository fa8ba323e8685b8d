#!/usr/bin/env bash
# Measures the memory (VmRSS, VmHWM) and CPU of each stage process under load, the figures behind the
# resource requests and limits in deploy/k8s (README: "Resource requests and limits, measured").
#
# Starts a local stack on its own ports (its broker and registry are measured too), router, fusion, the adaptation job and two replay experts each as a
# process of its own (StageMain, as the chaos run does) and a gateway; samples /proc every 2 s while
# `gatestream score` sends the prompts of RouterDC's model7 log ROUNDS times and 16 HTTP clients send them
# through the gateway PASSES times; prints a table per process, then stops everything.
#
#   deploy/k8s/measure/measure-resources.sh [ROUNDS [PASSES]]   (default 3 2; needs python3 and a built CLI)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
here="$root/deploy/k8s/measure"
rounds="${1:-3}"
passes="${2:-2}"
log="$root/../shared/data/routing/model7-train.csv"
work="$(mktemp -d /tmp/gatestream-measure.XXXXXX)"
cp="$root/cli/target/gatestream-cli.jar:$root/cli/target/lib/*"
java_cmd=(java -Dgatestream.home="$root" -Dgatestream.log.dir="$work/logs" -cp "$cp")
cli=("${java_cmd[@]}" dev.gatestream.cli.GatestreamCli)
[[ -f "$log" ]] || { echo "measure-resources: $log is missing" >&2; exit 2; }
[[ -f "$root/cli/target/gatestream-cli.jar" ]] || { echo "measure-resources: build the CLI first (./gatestream --help)" >&2; exit 2; }

cat > "$work/base.properties" <<PROPS
stack.dir=$work/stack
stack.broker.port=39092
stack.controller.port=39093
stack.registry.port=39085
topic.prefix=measure-
experts=meta-llama/Meta-Llama-3-8B,mistralai/Mistral-7B-v0.1
experts.replay.log=$log
router.gate=softmax-top-k
router.gate.k=2
gateway.port=39088
client.timeout.ms=60000
PROPS
i=0
for s in router fusion adaptation expert1 expert2; do
  i=$((i + 1)); { cat "$work/base.properties"; echo "metrics.port=3940$i"; } > "$work/$s.properties"
done
python3 "$here/measure.py" inputs "$log" "$work" "$rounds"

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  "${cli[@]}" stack down --config "$work/base.properties" > "$work/stack-down.log" 2>&1 || true
}
trap cleanup EXIT

"${cli[@]}" stack up --config "$work/base.properties" > "$work/stack.log" 2>&1
"${cli[@]}" topics apply --config "$work/base.properties" > "$work/topics.log" 2>&1
for component in broker registry; do
  echo "$component=$(cat "$work"/stack/run/*"$component"*.pid)" >> "$work/pids"
done
stage() { # name settings-file StageMain-args...
  local name=$1 settings=$2; shift 2
  "${java_cmd[@]}" dev.gatestream.app.chaos.StageMain "$settings" "$root" "$@" > "$work/$name.log" 2>&1 &
  pids+=($!); echo "$name=$!" >> "$work/pids"
}
stage router "$work/router.properties" router
stage fusion "$work/fusion.properties" fusion
stage adaptation "$work/adaptation.properties" adaptation
stage expert1 "$work/expert1.properties" expert meta-llama/Meta-Llama-3-8B
stage expert2 "$work/expert2.properties" expert mistralai/Mistral-7B-v0.1
"${cli[@]}" run gateway --config "$work/base.properties" > "$work/gateway.log" 2>&1 &
pids+=($!); echo "gateway=$!" >> "$work/pids"
ready() { # log line seconds
  for _ in $(seq 1 "$3"); do grep -q "$2" "$1" && return 0; sleep 1; done
  echo "measure-resources: $(basename "$1" .log) did not start: $(tail -n 1 "$1")" >&2
  exit 1
}
for s in router fusion adaptation expert1 expert2; do ready "$work/$s.log" 'gatestream stage ready' 300; done
ready "$work/gateway.log" 'listening on' 300

python3 "$here/measure.py" sample "$work" $(cat "$work/pids") &
sampler=$!
sleep 20 # idle
date +%s > "$work/load-start"
python3 "$here/measure.py" gateway "$work" "$passes" > "$work/gateway-load.log" 2>&1 &
gateway_load=$!
for r in $(seq 1 "$rounds"); do
  "${cli[@]}" score --config "$work/base.properties" "$work/score-input-$r.csv" "$work/out-$r.csv" > "$work/score-$r.log" 2>&1
  tr '\r' '\n' < "$work/score-$r.log" | grep -E '^(done|this run):' || true
done
wait "$gateway_load"
cat "$work/gateway-load.log"
date +%s > "$work/load-end"
sleep 10
touch "$work/stop"
wait "$sampler"
python3 "$here/measure.py" report "$work"
echo "(files in $work)"
