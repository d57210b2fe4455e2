#!/usr/bin/env bash
# BENCH_TRACE_GC=1 (lib/gc-trace.mjs): miniflare starts this instead of
# workerd. It runs the real workerd as the same process (exec, so wrangler's
# stop still reaches it) with V8's --trace-gc lines, which go to stdout and
# which miniflare drops as they are not JSON logs, also appended to a file.
set -euo pipefail
: "${BENCH_REAL_WORKERD:?}" "${BENCH_GC_LOG:?}"
exec stdbuf -oL "$BENCH_REAL_WORKERD" "$@" > >(tee -a "$BENCH_GC_LOG")
