#!/usr/bin/env bash
# Smoke test: `crossplane resource validate` (the REAL CLI) offline, on dist/ manifests.
#
# The CLI always adds the Crossplane image (--crossplane-image, default
# xpkg.crossplane.io/crossplane/crossplane:stable) to the packages whose CRDs it needs, and looks
# for it in <cache-dir>/<image with ':' replaced by '@'>/ ; a directory that exists is a cache hit
# and every *.yaml/*.yml under it (recursively) is loaded. So pre-filling
#   <cache-dir>/xpkg.crossplane.io/crossplane/crossplane@<core version>/
# with the vendored Crossplane CRDs keeps it offline (an empty cache makes it try
# https://xpkg.crossplane.io and fail). Provider/Function/Configuration manifests passed as
# EXTENSIONS would add more images to fetch: only XRDs and CRDs go there. As RESOURCES they are
# fine (validated against the pkg.crossplane.io CRDs from the cache).
#
# Usage: engines/validate-smoke.sh [RESOURCES]   (comma-separated files/dirs,
#        default dist/platform,dist/dev/use1). Exit code is the CLI's (1 = some resource invalid).
# Env: CRD_DIR (default ../shared/crds), VALIDATE_CACHE (default $PAYMENTS_DR_TOOLS/validate-cache).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
BUILD="$ROOT/scripts/build-tools.sh"
CRD_DIR=${CRD_DIR:-$ROOT/../shared/crds}
TOOLS_ROOT=${PAYMENTS_DR_TOOLS:-$HOME/.cache/payments-dr/tools}
CACHE=${VALIDATE_CACHE:-$TOOLS_ROOT/validate-cache}
RESOURCES=${1:-dist/platform,dist/dev/use1}

die() { printf '[validate-smoke] ERROR: %s\n' "$*" >&2; exit 2; }
CLI=$("$BUILD" --path crossplane-cli)
[[ -x $CLI ]] || die "crossplane-cli is not built ($CLI missing); run scripts/build-tools.sh crossplane-cli"
[[ -d $CRD_DIR/crossplane && -d $CRD_DIR/provider-aws ]] || die "vendored CRDs not found under $CRD_DIR; set CRD_DIR"

# Name the image by the core version we build (tools/crossplane-core/go.mod), not :stable.
CORE_VERSION=$("$BUILD" --list | awk '$1 == "crossplane-core" { print $2 }')
IMAGE=xpkg.crossplane.io/crossplane/crossplane:$CORE_VERSION
slot="$CACHE/${IMAGE//:/@}"
# Refill on every run (cheap), so the cache always equals the vendored files.
rm -rf "$slot"
mkdir -p "$slot"
cp "$CRD_DIR"/crossplane/*.yaml "$slot/"

# XRDs (converted to CRDs by the CLI's own code), the provider CRDs and the P&T input CRD
# (validates the Compositions' pipeline inputs, kind pt.fn.crossplane.io/v1beta1 Resources).
EXT=dist/platform/paymentregion-api.yaml,dist/platform/paymentglobal-api.yaml,$CRD_DIR/provider-aws,$CRD_DIR/function-patch-and-transform

printf '[validate-smoke] %s resource validate --cache-dir=%s --crossplane-image=%s %s %s\n' \
  "$CLI" "$CACHE" "$IMAGE" "$EXT" "$RESOURCES" >&2
exec "$CLI" resource validate --cache-dir="$CACHE" --crossplane-image="$IMAGE" \
  --error-on-missing-schemas "$EXT" "$RESOURCES"
