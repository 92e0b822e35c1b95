#!/usr/bin/env bash
# Build the real engines the project checks its manifests with, from the Go module proxy.
#
# Each tool has its own tiny Go module under tools/<tool>/ whose go.mod (+ go.sum) pins it: the
# go.mod files are the ONE place the versions live. A tool's version is the version its go.mod
# requires of the tool's upstream module. Binaries go to
#   ${PAYMENTS_DR_TOOLS:-$HOME/.cache/payments-dr/tools}/<tool>-<version>/<binary>
# and a binary that is already there is not rebuilt (delete it, or bump go.mod, to rebuild). A
# function's pipeline-input CRD (its module's package/input/*.yaml) is copied to <...>/input/.
#
# Usage:
#   scripts/build-tools.sh [TOOL...]     build the named tools, or all but provider-aws; idempotent
#                                        (provider-aws is only for npm run e2e:aws: 32-45 min cold)
#   scripts/build-tools.sh --list        print "tool version path" for every tool (no build)
#   scripts/build-tools.sh --path TOOL   print the binary path of TOOL (no build)
#
# Needs Go >= 1.26 (the go.mod files say `go 1.26.0`) and a reachable Go module proxy the first
# time; afterwards the module cache (GOMODCACHE) and build cache (GOCACHE) make rebuilds offline.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS_SRC="$ROOT/tools"
OUT_ROOT="${PAYMENTS_DR_TOOLS:-$HOME/.cache/payments-dr/tools}"

# tool | upstream module (its required version names the build) | main package | binary
PAT_MODULE=github.com/crossplane-contrib/function-patch-and-transform
CEL_MODULE=github.com/crossplane-contrib/function-cel-filter
TOOLS=(
  "crossplane-cli|github.com/crossplane/cli/v2|github.com/crossplane/cli/v2/cmd/crossplane|crossplane"
  "crossplane-core|github.com/crossplane/crossplane/v2|github.com/crossplane/crossplane/v2/cmd/crossplane|crossplane"
  "function-patch-and-transform|$PAT_MODULE|$PAT_MODULE|function-patch-and-transform"
  "function-auto-ready|github.com/crossplane/function-auto-ready|github.com/crossplane/function-auto-ready|function-auto-ready"
  "function-cel-filter|$CEL_MODULE|$CEL_MODULE|function-cel-filter"
  "apiextensions-apiserver|k8s.io/apiextensions-apiserver|k8s.io/apiextensions-apiserver|apiextensions-apiserver"
  "etcd|go.etcd.io/etcd/server/v3|go.etcd.io/etcd/server/v3|etcd"
  "kube-apiserver|k8s.io/kubernetes|k8s.io/kubernetes/cmd/kube-apiserver|kube-apiserver"
  "kube-controller-manager|k8s.io/kubernetes|k8s.io/kubernetes/cmd/kube-controller-manager|kube-controller-manager"
  "kubectl|k8s.io/kubectl|payments-dr/tools/kubectl|kubectl"
  "provider-aws|github.com/upbound/provider-aws/v2|github.com/upbound/provider-aws/v2/cmd/provider/monolith|provider"
)

say() { printf '[build-tools] %s\n' "$*" >&2; }
die() { printf '[build-tools] ERROR: %s\n' "$*" >&2; exit 1; }

# The version tools/<tool>/go.mod requires of <module> (a `require` line, block or single).
module_version() {
  local gomod="$TOOLS_SRC/$1/go.mod" module=$2 v
  [[ -f $gomod ]] || die "$1: $gomod is missing; restore it from git (git checkout -- tools/$1)"
  v=$(awk -v m="$module" '
    /^require[ \t]*\(/ { inblock = 1; next }
    inblock && /^\)/   { inblock = 0; next }
    inblock && $1 == m { print $2; exit }
    $1 == "require" && $2 == m { print $3; exit }
  ' "$gomod")
  [[ -n $v ]] || die "$1: $gomod does not require $module; fix tools/$1/go.mod"
  printf '%s' "$v"
}

# Linker flags that stamp the version the way upstream's release builds do.
ldflags_for() {
  local tool=$1 version=$2
  case $tool in
    crossplane-cli | crossplane-core)
      # Upstream nix/build.nix: -X=github.com/crossplane/crossplane-runtime/v2/pkg/version.version
      printf -- '-s -w -X=github.com/crossplane/crossplane-runtime/v2/pkg/version.version=%s' "$version" ;;
    apiextensions-apiserver)
      # k8s.io/* v0.N.P is Kubernetes v1.N.P.
      local kube="v1.${version#v0.}" minor
      minor=$(cut -d. -f2 <<<"${version#v}")
      printf -- '-s -w -X=k8s.io/component-base/version.gitVersion=%s' "$kube"
      printf -- ' -X=k8s.io/component-base/version.gitMajor=1 -X=k8s.io/component-base/version.gitMinor=%s' "$minor" ;;
    kube-apiserver | kube-controller-manager | kubectl)
      # As upstream's hack/lib/version.sh: both version packages (kubectl's `version` reads
      # client-go's, the apiserver's /version component-base's). k8s.io/kubernetes is tagged
      # v1.N.P, its staging modules (kubectl) v0.N.P.
      local kube="v1.${version#v[01].}" minor p
      minor=$(cut -d. -f2 <<<"${version#v}")
      printf -- '-s -w'
      for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
        printf -- ' -X=%s.gitVersion=%s -X=%s.gitMajor=1 -X=%s.gitMinor=%s -X=%s.gitTreeState=clean' "$p" "$kube" "$p" "$p" "$minor" "$p"
      done ;;
    provider-aws)
      # Upstream Makefile: GO_LDFLAGS += -X $(GO_PROJECT)/internal/version.Version=$(VERSION)
      printf -- '-s -w -X=github.com/upbound/provider-aws/v2/internal/version.Version=%s' "$version" ;;
    *) printf -- '-s -w' ;;
  esac
}

find_tool() {
  local t
  for t in "${TOOLS[@]}"; do
    if [[ ${t%%|*} == "$1" ]]; then printf '%s' "$t"; return 0; fi
  done
  local names=()
  for t in "${TOOLS[@]}"; do names+=("${t%%|*}"); done
  die "unknown tool '$1'; known tools: ${names[*]}"
}

bin_path() { # tool module binary
  printf '%s/%s-%s/%s' "$OUT_ROOT" "$1" "$(module_version "$1" "$2")" "$3"
}

check_go() {
  local rerun='then rerun scripts/build-tools.sh'
  command -v go >/dev/null 2>&1 ||
    die "$1: no Go toolchain on PATH; install Go >= 1.26 (https://go.dev/doc/install or your package manager), $rerun"
  local gv
  gv=$(go env GOVERSION 2>/dev/null || true)
  gv=${gv#go}
  local major=${gv%%.*} rest=${gv#*.}
  local minor=${rest%%.*}
  if ! [[ $major =~ ^[0-9]+$ && $minor =~ ^[0-9]+$ ]] || ((major < 1 || (major == 1 && minor < 26))); then
    die "$1: Go ${gv:-unknown} is too old (tools/*/go.mod need go 1.26); install Go >= 1.26 (or export GOTOOLCHAIN=go1.26.0+auto), $rerun"
  fi
}

build_one() {
  local spec=$1 tool module pkg binary version out dir log start pid elapsed
  IFS='|' read -r tool module pkg binary <<<"$spec"
  version=$(module_version "$tool" "$module")
  out="$OUT_ROOT/$tool-$version/$binary"
  if [[ -x $out ]]; then
    say "$tool $version: present ($out), skipped"
    return 0
  fi
  check_go "$tool"
  dir="$OUT_ROOT/$tool-$version"
  mkdir -p "$dir" || die "$tool: cannot create $dir; set PAYMENTS_DR_TOOLS to a writable directory"
  log="$dir/build.log"
  say "$tool $version: building $pkg (log: $log)"
  start=$SECONDS
  # -mod=readonly: go.sum must already pin everything (no silent re-resolution);
  # CGO_ENABLED=0 as upstream's release builds; nice: the machine is shared.
  (
    cd "$TOOLS_SRC/$tool" &&
      CGO_ENABLED=0 exec nice -n 10 go build -mod=readonly -trimpath \
        -ldflags "$(ldflags_for "$tool" "$version")" -o "$out.tmp" "$pkg"
  ) >"$log" 2>&1 &
  pid=$!
  local last=$start
  while kill -0 "$pid" 2>/dev/null; do
    sleep 2
    if kill -0 "$pid" 2>/dev/null && ((SECONDS - last >= 30)); then
      last=$SECONDS
      say "$tool $version: still building ($((SECONDS - start))s)"
    fi
  done
  if ! wait "$pid"; then
    rm -f "$out.tmp"
    elapsed=$((SECONDS - start))
    local cause
    cause=$(grep -v -E '^go: downloading |^[[:space:]]*$' "$log" | head -n1 | cut -c1-240 || true)
    # What go prints when a module cannot be downloaded (network, proxy, checksum), not a compile error.
    local download_failed='reading https?://|Get "https?://|dial tcp|no such host|i/o timeout|TLS handshake'
    download_failed+='|403 Forbidden|404 Not Found|410 Gone|verifying .*: |checksum mismatch|missing go.sum entry'
    download_failed+='|connection refused|proxyconnect|module lookup disabled'
    if grep -qE "$download_failed" "$log"; then
      local fix="check that the Go module proxy is reachable (go env GOPROXY) and that tools/$tool/go.sum is intact"
      die "$tool $version: module download failed after ${elapsed}s (${cause}); $fix, then rerun scripts/build-tools.sh; full log: $log"
    fi
    die "$tool $version: go build failed after ${elapsed}s (${cause}); see $log, fix tools/$tool/go.mod, then rerun scripts/build-tools.sh"
  fi
  # A function's package ships the CRD of its pipeline input (package/input/): kept beside the
  # binary, so validation reads it from the module the binary was built from (never from git).
  local module_dir
  module_dir=$(cd "$TOOLS_SRC/$tool" && go list -mod=readonly -m -f '{{.Dir}}' "$module")
  if [[ -d $module_dir/package/input ]]; then
    mkdir -p "$dir/input" && cp "$module_dir"/package/input/*.yaml "$dir/input/" && chmod u+w "$dir"/input/*.yaml
  fi
  mv -f "$out.tmp" "$out"
  say "$tool $version: built in $((SECONDS - start))s -> $out ($(du -h "$out" | cut -f1))"
}

case ${1:-} in
  --list)
    for t in "${TOOLS[@]}"; do
      IFS='|' read -r tool module _ binary <<<"$t"
      printf '%s %s %s\n' "$tool" "$(module_version "$tool" "$module")" "$(bin_path "$tool" "$module" "$binary")"
    done
    exit 0 ;;
  --path)
    [[ -n ${2:-} ]] || die "--path needs a tool name (see --list)"
    spec=$(find_tool "$2")
    IFS='|' read -r tool module _ binary <<<"$spec"
    bin_path "$tool" "$module" "$binary"
    printf '\n'
    exit 0 ;;
  -h | --help)
    sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 0 ;;
  -*) die "unknown option '$1' (try --help)" ;;
esac

selected=()
if (($#)); then
  for name in "$@"; do
    spec=$(find_tool "$name")
    selected+=("$spec")
  done
else
  for t in "${TOOLS[@]}"; do [[ ${t%%|*} == provider-aws ]] || selected+=("$t"); done
fi

total=$SECONDS
for spec in "${selected[@]}"; do build_one "$spec"; done
say "all ${#selected[@]} tool(s) ready in $((SECONDS - total))s under $OUT_ROOT"
