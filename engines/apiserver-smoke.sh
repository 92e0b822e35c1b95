#!/usr/bin/env bash
# Smoke test: a REAL apiextensions-apiserver + etcd on 127.0.0.1 with client-certificate auth,
# vendored provider CRDs installed, and objects applied server-side (dry-run,
# fieldValidation=Strict), with curl only (no kubectl). Checks: defaulting, strict unknown
# fields, types, schema-required, CEL (a provider rule), and a CEL transition rule (oldSelf),
# which runs only when an object is STORED and then applied again.
#
# Usage: engines/apiserver-smoke.sh
# Env: CRD_DIR (default ../shared/crds); KEEP=1 keeps the work directory (certs, etcd data, logs).
# Builds nothing: run scripts/build-tools.sh first.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD="$ROOT/scripts/build-tools.sh"
CRD_DIR=${CRD_DIR:-$ROOT/../shared/crds}

say() { printf '[apiserver-smoke] %s\n' "$*" >&2; }
die() { printf '[apiserver-smoke] ERROR: %s\n' "$*" >&2; exit 1; }
need_bin() {
  local p
  p=$("$BUILD" --path "$1")
  [[ -x $p ]] || die "$1 is not built ($p missing); run scripts/build-tools.sh $1"
  printf '%s' "$p"
}
APISERVER=$(need_bin apiextensions-apiserver)
ETCD=$(need_bin etcd)
for c in openssl curl node; do command -v $c >/dev/null || die "$c is needed; install it (apt-get install $c)"; done
for f in ec2.aws.upbound.io_vpcs.yaml apigatewayv2.aws.upbound.io_apis.yaml; do
  [[ -f $CRD_DIR/provider-aws/$f ]] || die "no CRD file $CRD_DIR/provider-aws/$f (set CRD_DIR to the vendored crds folder)"
done

W=$(mktemp -d "${TMPDIR:-/tmp}/apiserver-smoke.XXXXXX")
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ -n ${KEEP:-} ]]; then say "kept $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_port() { # name port pid log seconds
  local i
  for ((i = 0; i < ${5:-30} * 10; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || die "$1 exited before listening on 127.0.0.1:$2: $(tail -n 3 "$4" | tr '\n' ' ')"
    sleep 0.1
  done
  die "$1 did not listen on 127.0.0.1:$2 in ${5:-30}s; see $4"
}

# 1. Certificates: a CA, a serving cert for 127.0.0.1, a client cert in group system:masters
#    (without a remote authorizer only system:masters is authorized).
pki=$W/pki
mkdir -p "$pki"
(
  cd "$pki"
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=payments-dr-smoke-ca" \
    -keyout ca.key -out ca.crt 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout server.key -out server.csr 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
  openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 \
    -extfile server.ext -out server.crt 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/O=system:masters/CN=payments-dr-smoke" \
    -keyout client.key -out client.csr 2>/dev/null
  printf 'extendedKeyUsage=clientAuth\n' >client.ext
  openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 \
    -extfile client.ext -out client.crt 2>/dev/null
) || die "openssl could not make the test certificates"

# 2. etcd on loopback only (client and peer), no fsync (test data).
ETCD_PORT=$(free_port)
PEER_PORT=$(free_port)
start=$(date +%s%N)
"$ETCD" --name smoke --data-dir "$W/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$PEER_PORT" \
  --initial-cluster "smoke=http://127.0.0.1:$PEER_PORT" --listen-metrics-urls "" \
  --unsafe-no-fsync --log-level warn >"$W/etcd.log" 2>&1 &
PIDS+=($!)
wait_port etcd "$ETCD_PORT" "${PIDS[0]}" "$W/etcd.log" 30
for ((i = 0; i < 100; i++)); do
  curl -sf "http://127.0.0.1:$ETCD_PORT/health" 2>/dev/null | grep -q '"health":"true"' && break
  sleep 0.1
done
say "etcd up on 127.0.0.1:$ETCD_PORT"

# 3. apiextensions-apiserver. Flags follow upstream's own integration fixture
#    (test/integration/fixtures/server.go): a kubeconfig for delegated authn/authz and the core
#    API that is never used (its server is an unused loopback address), no authentication
#    configmap lookup, no priority-and-fairness, and the admission plugins that need a
#    kube-apiserver disabled.
cat >"$W/fake.kubeconfig" <<'EOF'
apiVersion: v1
kind: Config
clusters:
- cluster:
    server: https://127.0.0.1:1
  name: unused
contexts:
- context:
    cluster: unused
    user: unused
  name: unused
current-context: unused
users:
- name: unused
  user:
    token: unused
EOF
API_PORT=$(free_port)
"$APISERVER" \
  --etcd-servers "http://127.0.0.1:$ETCD_PORT" --etcd-prefix /payments-dr-smoke \
  --bind-address 127.0.0.1 --secure-port "$API_PORT" \
  --tls-cert-file "$pki/server.crt" --tls-private-key-file "$pki/server.key" \
  --client-ca-file "$pki/ca.crt" \
  --authentication-skip-lookup \
  --authentication-kubeconfig "$W/fake.kubeconfig" \
  --authorization-kubeconfig "$W/fake.kubeconfig" \
  --kubeconfig "$W/fake.kubeconfig" \
  --enable-priority-and-fairness=false \
  --disable-admission-plugins NamespaceLifecycle,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ValidatingAdmissionPolicy \
  >"$W/apiserver.log" 2>&1 &
PIDS+=($!)
wait_port apiextensions-apiserver "$API_PORT" "${PIDS[1]}" "$W/apiserver.log" 60

BASE="https://127.0.0.1:$API_PORT"
k() { # method path [content-type body-file] -> prints "HTTP_CODE" on the last line, body before
  local m=$1 p=$2
  shift 2
  local args=(-sS --cacert "$pki/ca.crt" --cert "$pki/client.crt" --key "$pki/client.key" -X "$m" -w '\n%{http_code}')
  if (($#)); then args+=(-H "Content-Type: $1" --data-binary "@$2"); fi
  curl "${args[@]}" "$BASE$p"
}
code() { tail -n1 <<<"$1"; }
body() { sed '$d' <<<"$1"; }

# readyz minus informer-sync: the Service informer of the (unused) core API never syncs, and it
# only serves conversion-webhook service lookups. Upstream's fixture waits for /healthz instead.
for ((i = 0; i < 300; i++)); do
  r=$(k GET '/readyz?exclude=informer-sync' 2>/dev/null || true)
  [[ $(code "$r") == 200 ]] && break
  kill -0 "${PIDS[1]}" 2>/dev/null || die "apiextensions-apiserver exited: $(tail -n 3 "$W/apiserver.log" | tr '\n' ' ')"
  sleep 0.2
done
[[ $(code "$r") == 200 ]] || die "apiextensions-apiserver not ready in 60s: $(body "$r" | grep -v '^\[+\]' | tr '\n' ' '); see $W/apiserver.log (KEEP=1)"
say "apiextensions-apiserver ready on $BASE in $((($(date +%s%N) - start) / 1000000)) ms (etcd start included)"

r=$(k GET /version)
say "version: $(body "$r" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s);console.log(v.gitVersion,v.goVersion)})')"

# Unauthenticated and non-masters requests are refused (client-cert auth is what admits us).
anon=$(curl -sS --cacert "$pki/ca.crt" -o /dev/null -w '%{http_code}' "$BASE/apis" || true)
# Anonymous users reach the delegated (webhook) authorizer, whose server is the unused address:
# HTTP 500, never 2xx. Only system:masters is authorized without it.
if [[ $anon == 2* ]]; then say "FAIL anonymous GET /apis -> HTTP $anon"; exit 1; fi
say "ok   anonymous GET /apis refused: HTTP $anon"

# 4. Install CRDs (YAML is accepted as a request body) and wait until each is Established and
#    its resource is served.
crd_info() { # file -> "name group storage-version plural kind"
  node -e '
const Y=require(require.resolve("yaml",{paths:[process.argv[1]]}));
const d=Y.parse(require("fs").readFileSync(process.argv[2],"utf8"));
const v=d.spec.versions.find((x)=>x.storage)||d.spec.versions[0];
console.log(d.metadata.name, d.spec.group, v.name, d.spec.names.plural, d.spec.names.kind)' "$ROOT" "$1"
}
install_crd() { # file
  local name group version plural kind r i
  read -r name group version plural kind < <(crd_info "$1")
  r=$(k POST /apis/apiextensions.k8s.io/v1/customresourcedefinitions application/yaml "$1")
  [[ $(code "$r") == 201 ]] || die "creating CRD $name failed: HTTP $(code "$r") $(body "$r" | head -c 400)"
  for ((i = 0; i < 100; i++)); do
    r=$(k GET "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/$name")
    if body "$r" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const c=((JSON.parse(s).status||{}).conditions||[]).find(x=>x.type==="Established");process.exit(c&&c.status==="True"?0:1)})'; then break; fi
    sleep 0.1
  done
  # Serving the new resource can lag a moment behind Established.
  for ((i = 0; i < 100; i++)); do
    [[ $(code "$(k GET "/apis/$group/$version/$plural")") == 200 ]] && break
    sleep 0.1
  done
  say "CRD $name established and served ($group/$version $kind)"
}

cat >"$W/transition-crd.yaml" <<'YAML'
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: transitions.smoke.payments-dr.io}
spec:
  group: smoke.payments-dr.io
  scope: Cluster
  names: {kind: Transition, plural: transitions, singular: transition, listKind: TransitionList}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              id:
                type: string
                x-kubernetes-validations:
                - {rule: self == oldSelf, message: id is immutable}
YAML
install_crd "$CRD_DIR/provider-aws/ec2.aws.upbound.io_vpcs.yaml"
install_crd "$CRD_DIR/provider-aws/apigatewayv2.aws.upbound.io_apis.yaml"
install_crd "$W/transition-crd.yaml"

# 5. Server-side apply with dry-run and strict field validation.
# Measured answers (apiextensions-apiserver v0.35.10): an apply that creates is 201, one that
# updates 200; schema/CEL violations are 422 Invalid; but an apply whose body does not fit the
# schema's TYPES (unknown field, wrong type) fails earlier, in structured-merge-diff's typed
# conversion, as HTTP 500 "failed to create typed patch object (...): .path: field not declared
# in schema" / "expected string, got ...". A plain create (POST) with fieldValidation=Strict
# answers 400 "strict decoding error: unknown field" instead.
apply() { # api-path file dryrun(0/1) -> response
  local q="fieldManager=payments-dr-smoke&fieldValidation=Strict&force=true"
  (($3)) && q="dryRun=All&$q"
  k PATCH "$1?$q" application/apply-patch+yaml "$2"
}
obj() { # file apiVersion kind name spec-flow-yaml
  printf 'apiVersion: %s\nkind: %s\nmetadata: {name: %s}\nspec: %s\n' "$2" "$3" "$4" "$5" >"$W/$1"
}
fail=0
expect() { # label want-code-regex response
  local got msg
  got=$(code "$3")
  msg=$(body "$3" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{const o=JSON.parse(s);const sp=o.spec||{};console.log(o.kind==="Status"?o.message:`${o.kind} ${o.metadata.name}`+(sp.deletionPolicy?` (defaulted deletionPolicy=${sp.deletionPolicy}, managementPolicies=${JSON.stringify(sp.managementPolicies)})`:""))}catch(e){console.log(s.slice(0,300))}})')
  if [[ $got =~ ^($2)$ ]]; then say "ok   $1: HTTP $got $msg"; else say "FAIL $1: want HTTP $2, got $got $msg"; fail=1; fi
}

VPC=/apis/ec2.aws.upbound.io/v1beta1/vpcs/smoke-vpc
obj vpc-good.yaml ec2.aws.upbound.io/v1beta1 VPC smoke-vpc \
  '{forProvider: {region: us-east-1, cidrBlock: 10.10.0.0/16, enableDnsHostnames: true}, providerConfigRef: {name: default}}'
obj vpc-unknown.yaml ec2.aws.upbound.io/v1beta1 VPC smoke-vpc '{forProvider: {region: us-east-1, notAField: 1}}'
obj vpc-type.yaml ec2.aws.upbound.io/v1beta1 VPC smoke-vpc '{forProvider: {region: 42}}'
obj vpc-required.yaml ec2.aws.upbound.io/v1beta1 VPC smoke-vpc '{forProvider: {cidrBlock: 10.10.0.0/16}}'
expect "VPC dry-run apply, valid (defaults applied)" 201 "$(apply $VPC "$W/vpc-good.yaml" 1)"
expect "VPC dry-run persisted nothing" 404 "$(k GET $VPC)"
expect "VPC dry-run apply, unknown field" 500 "$(apply $VPC "$W/vpc-unknown.yaml" 1)"
expect "VPC dry-run apply, wrong type" 500 "$(apply $VPC "$W/vpc-type.yaml" 1)"
expect "VPC dry-run apply, schema-required region missing" 422 "$(apply $VPC "$W/vpc-required.yaml" 1)"
expect "VPC dry-run POST, unknown field (Strict)" 400 \
  "$(k POST "/apis/ec2.aws.upbound.io/v1beta1/vpcs?dryRun=All&fieldValidation=Strict" application/yaml "$W/vpc-unknown.yaml")"

API=/apis/apigatewayv2.aws.upbound.io/v1beta2/apis/smoke-api
obj api-good.yaml apigatewayv2.aws.upbound.io/v1beta2 API smoke-api '{forProvider: {region: us-east-1, name: smoke, protocolType: HTTP}}'
obj api-cel.yaml apigatewayv2.aws.upbound.io/v1beta2 API smoke-api '{forProvider: {region: us-east-1, protocolType: HTTP}}'
obj api-cel-observe.yaml apigatewayv2.aws.upbound.io/v1beta2 API smoke-api '{managementPolicies: [Observe], forProvider: {region: us-east-1}}'
expect "API dry-run apply, valid" 201 "$(apply $API "$W/api-good.yaml" 1)"
expect "API dry-run apply, CEL 'name is a required parameter'" 422 "$(apply $API "$W/api-cel.yaml" 1)"
expect "API dry-run apply, same without Create/Update policies (CEL passes)" 201 "$(apply $API "$W/api-cel-observe.yaml" 1)"

TR=/apis/smoke.payments-dr.io/v1/transitions/smoke-transition
obj tr-a.yaml smoke.payments-dr.io/v1 Transition smoke-transition '{id: a}'
obj tr-b.yaml smoke.payments-dr.io/v1 Transition smoke-transition '{id: b}'
expect "transition: dry-run a" 201 "$(apply $TR "$W/tr-a.yaml" 1)"
expect "transition: dry-run b after a dry-run a (nothing stored: oldSelf rule cannot run)" 201 "$(apply $TR "$W/tr-b.yaml" 1)"
expect "transition: store a (real apply)" 201 "$(apply $TR "$W/tr-a.yaml" 0)"
expect "transition: dry-run a again (update, rule runs, passes)" 200 "$(apply $TR "$W/tr-a.yaml" 1)"
expect "transition: dry-run b over stored a (oldSelf rule rejects)" 422 "$(apply $TR "$W/tr-b.yaml" 1)"

if ((fail)); then die "some checks failed; rerun with KEEP=1 and read $W/apiserver.log"; fi
say "all checks passed"
