#!/usr/bin/env bash
# Smoke test: render a claim from dist/ with the REAL engines, all on loopback.
#
#   crossplane composition render (CLI) --crossplane-binary=<core>  (core runs `internal render`)
#   function-patch-and-transform and function-auto-ready as local processes (--insecure, 127.0.0.1)
#   Function manifests annotated render.crossplane.io/runtime: Development (+ target address)
#
# Usage: engines/render-smoke.sh [CLAIM_FILE [API_FILE]]
#   CLAIM_FILE  a claim (or an XR) from dist/, default dist/dev/use1/paymentregion.yaml
#   API_FILE    the XRD + Composition, default dist/platform/paymentregion-api.yaml
# Extra arguments after `--` go to `crossplane composition render` (e.g. -- -o observed.yaml).
# Env: KEEP=1 keeps the work directory (XR, functions.yaml, logs); OUT=file writes the output.
# Builds nothing: run scripts/build-tools.sh first.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
BUILD="$ROOT/scripts/build-tools.sh"

POS=()
while (($#)) && [[ $1 != -- ]]; do POS+=("$1"); shift; done
[[ ${1:-} == -- ]] && shift
EXTRA=("$@")
CLAIM=${POS[0]:-dist/dev/use1/paymentregion.yaml}
API=${POS[1]:-dist/platform/paymentregion-api.yaml}

say() { printf '[render-smoke] %s\n' "$*" >&2; }
die() { printf '[render-smoke] ERROR: %s\n' "$*" >&2; exit 1; }

need_bin() { # tool -> path, or one clear line
  local p
  p=$("$BUILD" --path "$1")
  [[ -x $p ]] || die "$1 is not built ($p missing); run scripts/build-tools.sh $1"
  printf '%s' "$p"
}
CLI=$(need_bin crossplane-cli)
CORE=$(need_bin crossplane-core)
PAT=$(need_bin function-patch-and-transform)
AR=$(need_bin function-auto-ready)
command -v node >/dev/null || die "node is needed to convert the claim to an XR; install Node.js"
[[ -f $CLAIM ]] || die "no claim file $CLAIM"
[[ -f $API ]] || die "no XRD/Composition file $API"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/render-smoke.XXXXXX")
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ -n ${KEEP:-} ]]; then say "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# Free loopback ports, chosen by the kernel.
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# 1. Split the API file into XRD + Composition; convert the claim into the XR its claim
#    reconciler would create (crossplane core v2.3 internal/controller/apiextensions/claim,
#    ClientSideCompositeSyncer.Sync):
#    - apiVersion: <xrd spec.group>/<the XRD's referenceable version>, kind: xrd spec.names.kind
#    - metadata.name: the claim's name + "-" + 5 random chars (generateName); fixed here
#    - labels and annotations: the claim's, minus keys whose prefix ends in kubernetes.io or
#      k8s.io (so app.kubernetes.io/* are NOT propagated), plus labels
#      crossplane.io/claim-name and crossplane.io/claim-namespace
#    - spec: the claim's spec minus the claim-only fields compositionRevisionRef,
#      compositeDeletePolicy, resourceRef, writeConnectionSecretToRef (compositionRef,
#      compositionSelector, compositionUpdatePolicy, compositionRevisionSelector are kept),
#      plus spec.claimRef {apiVersion, kind, name, namespace} of the claim
#    An input that already is an XR (kind == xrd spec.names.kind) is passed through.
node - "$CLAIM" "$API" "$WORK" <<'EOF'
const fs = require('fs');
const path = require('path');
const YAML = require(require.resolve('yaml', { paths: [process.cwd()] }));
const [claimFile, apiFile, work] = process.argv.slice(2);
const docs = YAML.parseAllDocuments(fs.readFileSync(apiFile, 'utf8')).map((d) => d.toJS()).filter(Boolean);
const xrd = docs.find((d) => d.kind === 'CompositeResourceDefinition');
const comp = docs.find((d) => d.kind === 'Composition');
if (!xrd || !comp) { console.error(`[render-smoke] ERROR: ${apiFile} needs one XRD and one Composition`); process.exit(1); }
const input = YAML.parse(fs.readFileSync(claimFile, 'utf8'));
const group = xrd.spec.group;
const refVersion = (xrd.spec.versions.find((v) => v.referenceable) || {}).name;
let xr;
if (input.kind === xrd.spec.names.kind) {
  xr = input;
} else if (xrd.spec.claimNames && input.kind === xrd.spec.claimNames.kind) {
  const reserved = (k) => { const p = k.split('/')[0]; return p.endsWith('kubernetes.io') || p.endsWith('k8s.io'); };
  const keep = (m) => Object.fromEntries(Object.entries(m || {}).filter(([k]) => !reserved(k)));
  const claimOnly = ['compositionRevisionRef', 'compositeDeletePolicy', 'resourceRef', 'writeConnectionSecretToRef'];
  const spec = Object.fromEntries(Object.entries(input.spec || {}).filter(([k]) => !claimOnly.includes(k)));
  spec.claimRef = { apiVersion: input.apiVersion, kind: input.kind, name: input.metadata.name, namespace: input.metadata.namespace };
  const annotations = keep(input.metadata.annotations);
  xr = {
    apiVersion: `${group}/${refVersion}`,
    kind: xrd.spec.names.kind,
    metadata: {
      name: `${input.metadata.name}-x7k2q`,
      ...(Object.keys(annotations).length ? { annotations } : {}),
      labels: {
        ...keep(input.metadata.labels),
        'crossplane.io/claim-name': input.metadata.name,
        'crossplane.io/claim-namespace': input.metadata.namespace,
      },
    },
    spec,
  };
} else {
  console.error(`[render-smoke] ERROR: ${claimFile} is a ${input.kind}, neither the XR kind ${xrd.spec.names.kind} nor the claim kind of ${xrd.metadata.name}`);
  process.exit(1);
}
fs.writeFileSync(path.join(work, 'xr.yaml'), YAML.stringify(xr));
fs.writeFileSync(path.join(work, 'xrd.yaml'), YAML.stringify(xrd));
fs.writeFileSync(path.join(work, 'composition.yaml'), YAML.stringify(comp));
EOF

# 2. Start both functions on free loopback ports; write the Function manifests that point there.
PAT_PORT=$(free_port)
AR_PORT=$(free_port)
while [[ $AR_PORT == "$PAT_PORT" ]]; do AR_PORT=$(free_port); done
"$PAT" --insecure --address="127.0.0.1:$PAT_PORT" >"$WORK/pat.log" 2>&1 &
PIDS+=($!)
"$AR" --insecure --address="127.0.0.1:$AR_PORT" >"$WORK/auto-ready.log" 2>&1 &
PIDS+=($!)

cat >"$WORK/functions.yaml" <<EOF
apiVersion: pkg.crossplane.io/v1
kind: Function
metadata:
  name: function-patch-and-transform
  annotations:
    render.crossplane.io/runtime: Development
    render.crossplane.io/runtime-development-target: 127.0.0.1:$PAT_PORT
spec:
  package: xpkg.crossplane.io/crossplane-contrib/function-patch-and-transform:v0.10.8
---
apiVersion: pkg.crossplane.io/v1
kind: Function
metadata:
  name: function-auto-ready
  annotations:
    render.crossplane.io/runtime: Development
    render.crossplane.io/runtime-development-target: 127.0.0.1:$AR_PORT
spec:
  package: xpkg.crossplane.io/crossplane-contrib/function-auto-ready:v0.7.0
EOF

wait_port() { # name port pid log
  local i
  for ((i = 0; i < 100; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || die "$1 exited before listening on 127.0.0.1:$2: $(tail -n 3 "$4" | tr '\n' ' ')"
    sleep 0.1
  done
  die "$1 did not listen on 127.0.0.1:$2 within 10s; see $4"
}
wait_port function-patch-and-transform "$PAT_PORT" "${PIDS[0]}" "$WORK/pat.log"
wait_port function-auto-ready "$AR_PORT" "${PIDS[1]}" "$WORK/auto-ready.log"
say "functions up: patch-and-transform 127.0.0.1:$PAT_PORT, auto-ready 127.0.0.1:$AR_PORT"

# 3. Render.
cmd=("$CLI" composition render "$WORK/xr.yaml" "$WORK/composition.yaml" "$WORK/functions.yaml"
  --xrd="$WORK/xrd.yaml" --crossplane-binary="$CORE" "${EXTRA[@]}")
say "running: ${cmd[*]}"
start=$(date +%s%N)
rc=0
if [[ -n ${OUT:-} ]]; then "${cmd[@]}" >"$OUT" || rc=$?; else "${cmd[@]}" || rc=$?; fi
say "render exit $rc in $((($(date +%s%N) - start) / 1000000)) ms"
exit "$rc"
