#!/usr/bin/env bash
# Upload and download throughput of one file through a real `tanager serve`, on local disk and on an S3-compatible
# server (npm s3rver from tests/interop), with what the API server's process spends meanwhile: CPU time from
# /proc/PID/stat and its RSS sampled every 50 ms. Prints one Markdown row per store.
#
#   dotnet build Tanager.Server -c Release && (cd tests/interop && npm ci)
#   bash benchmarks/files/throughput.sh [size in MB (10^6 bytes), default 50: the default size limit]
set -euo pipefail
cd "$(dirname "$0")/../.."
MB=${1:-50}
TANAGER=${TANAGER_DLL:-Tanager.Server/bin/Release/net10.0/tanager.dll}
[ -f "$TANAGER" ] || { echo "build it first: dotnet build Tanager.Server -c Release" >&2; exit 1; }
WORK=$(mktemp -d)
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
field() { sed -nE "s/.*\"$1\":\"([^\"]+)\".*/\1/p"; }
url() { field "$1" | sed 's/\\u0026/\&/g'; }
cpu_ms() { awk '{ print ($14 + $15) * 1000 / '"$(getconf CLK_TCK)"' }' "/proc/$1/stat"; }
rss_kib() { awk '/VmRSS/ { print $2 }' "/proc/$1/status"; }
wait_http() { for _ in $(seq 1 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "no answer from $1" >&2; exit 1; }

# Runs $2... while sampling the server's RSS; prints "seconds cpu_ms peak_rss_growth_kib" after the command's output.
measure() {
  local pid=$1; shift
  local base peak cpu0 t0
  base=$(rss_kib "$pid"); cpu0=$(cpu_ms "$pid"); t0=$(date +%s.%N)
  ( peak=$base; while kill -0 "$pid" 2>/dev/null; do r=$(rss_kib "$pid"); ((r > peak)) && peak=$r; echo "$peak" > "$WORK/peak"; sleep 0.05; done ) &
  local sampler=$!
  "$@"
  local t1; t1=$(date +%s.%N)
  kill $sampler 2>/dev/null || true; wait $sampler 2>/dev/null || true
  peak=$(cat "$WORK/peak" 2>/dev/null || echo "$base")
  echo "$(echo "$t1 - $t0" | bc -l) $(echo "$(cpu_ms "$pid") - $cpu0" | bc -l) $((peak - base))"
}

run() { # $1 store name, rest: extra serve arguments
  local store=$1; shift
  local port; port=$(free_port)
  local S=http://127.0.0.1:$port
  dotnet "$TANAGER" serve --listen "$S" --data-dir "$WORK/data-$store" "$@" > "$WORK/serve-$store.log" 2>&1 &
  local pid=$!; PIDS+=("$pid")
  wait_http "$S/health"
  post() { curl -s "$S/api/v1/$1" -H 'content-type: application/json' ${3:+-H "authorization: Bearer $3"} -d "$2"; }
  local T WS CH SLOT ATTACHMENT UPLOAD_URL DOWNLOAD_URL size=$((MB * 1000 * 1000))
  T=$(post auth/register '{"email":"bench-'$RANDOM'@example.com","password":"correct horse","display_name":"Bench"}' | field token)
  WS=$(post workspaces '{"name":"Bench"}' "$T" | field id)
  CH=$(post "workspaces/$WS/channels" '{"name":"files"}' "$T" | field id)
  SLOT=$(post "workspaces/$WS/channels/$CH/attachments" '{"file_name":"big.bin","content_type":"application/octet-stream","size":'$size'}' "$T")
  ATTACHMENT=$(echo "$SLOT" | field id)
  UPLOAD_URL=$(echo "$SLOT" | url upload_url)
  [ -n "$UPLOAD_URL" ] || { echo "no upload slot: $SLOT" >&2; exit 1; }
  local up down
  # The requests above leave the JIT's background tiering and the first GCs running for a moment: let them finish, so
  # the CPU below is what the transfer costs the server.
  sleep 3
  up=$(measure "$pid" curl -s -f -X PUT --upload-file "$WORK/big.bin" -H 'content-type: application/octet-stream' "$UPLOAD_URL" -o /dev/null)
  post "workspaces/$WS/channels/$CH/messages" '{"content":"big","attachment_ids":["'$ATTACHMENT'"]}' "$T" > /dev/null
  DOWNLOAD_URL=$(curl -s "$S/api/v1/workspaces/$WS/attachments/$ATTACHMENT/download" -H "authorization: Bearer $T" | url url)
  sleep 3
  down=$(measure "$pid" curl -s -f -o "$WORK/copy.bin" "$DOWNLOAD_URL")
  cmp -s "$WORK/big.bin" "$WORK/copy.bin" || { echo "$store: the download differs from the upload" >&2; exit 1; }
  rm -f "$WORK/copy.bin"
  read -r us uc ur <<< "$up"; read -r ds dc dr <<< "$down"
  printf '| %s | %d MB | %.0f MB/s | %.0f ms | %.1f MiB | %.0f MB/s | %.0f ms | %.1f MiB | byte-identical |\n' \
    "$store" "$MB" "$(echo "$MB / $us" | bc -l)" "$uc" "$(echo "$ur / 1024" | bc -l)" "$(echo "$MB / $ds" | bc -l)" "$dc" "$(echo "$dr / 1024" | bc -l)"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

head -c $((MB * 1000 * 1000)) /dev/urandom > "$WORK/big.bin"
echo "| store | file | upload | server CPU during upload | server RSS growth | download | server CPU during download | server RSS growth | check |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
run local-disk

S3PORT=$(free_port)
mkdir -p "$WORK/s3"
node tests/interop/node_modules/s3rver/bin/s3rver.js -d "$WORK/s3" -a 127.0.0.1 -p "$S3PORT" --no-vhost-buckets --silent \
  --configure-bucket bench > "$WORK/s3rver.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$S3PORT/"
TANAGER_S3_ACCESS_KEY=S3RVER TANAGER_S3_SECRET_KEY=S3RVER \
  run s3rver --s3-endpoint "http://127.0.0.1:$S3PORT" --s3-bucket bench
