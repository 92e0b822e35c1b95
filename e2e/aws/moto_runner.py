"""moto's server for `npm run e2e:aws`, and one control route moto has no AWS API for.

Usage: python moto_runner.py <moto port> <control port> [<dns address>[:port]]

moto (pinned in requirements-test.txt) answers the AWS APIs on 127.0.0.1:<moto port>, recording every
request to $MOTO_RECORDER_FILEPATH when $MOTO_ENABLE_RECORDING is set. moto implements neither
SwitchoverGlobalCluster nor FailoverGlobalCluster, so 127.0.0.1:<control port> takes
POST /switchover {"globalClusterIdentifier": ..., "writerRegion": ...} and makes that region's member
the writer in moto's own RDS state: what DescribeGlobalClusters reports after a real switchover. It
is the e2e's stand-in for the AWS side of the runbook; it never touches what the provider declared.
POST /hosted-zone {"id": ..., "name": ...} creates a public hosted zone with that id: the zone an
account already has, which the claims name and nothing composes (moto would pick its own id).
GET /inventory?services=a,b&regions=x,y lists every resource moto holds for those services (what its
backends still reference), so the e2e can tell what a delete left behind.
With a DNS address (inside the e2e's private network namespace, where the host's resolver is
unreachable), it also answers every DNS A query there with 127.0.0.1: the SDK puts the account id in
front of the S3 Control host (000000000000.127.0.0.1), which must resolve to moto.
The process exits when its parent goes away, so no server outlives an interrupted run.
Six moto defects that would stop a global database or a secret from ever being deleted or
tagged, or leave a deleted network behind, are corrected before it serves (correct_moto; each has a
test on moto in test/e2e/aws/moto.test.ts):
- RDS tagging accepts ARNs of a fixed list of resource types without global-cluster, so
  AddTagsToResource and ListTagsForResource refuse a global cluster's ARN, which AWS tags;
- DescribeGlobalClusters ignores GlobalClusterIdentifier and Filters (db-cluster-id), answering
  every global cluster, so a wait for a member to leave never ends;
- RemoveFromGlobalCluster looks the member up in the calling region only and drops the error, so
  a member in the other region is never removed;
- ListSecretVersionIds of a deleted secret raises KeyError (HTTP 500, which the SDK retries)
  instead of ResourceNotFoundException, so a secret version is never seen gone;
- DeleteNatGateway keeps the gateway's network interface (AWS deletes it and disassociates the
  Elastic IP), so the interface, its subnet and security group outlive them;
- DeleteVpc keeps the VPC's default network ACL, which AWS deletes with it.
"""

import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def exit_with_parent() -> None:
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def correct_moto() -> None:
    from moto.core.responses import ActionResult
    from moto.ec2.models.nat_gateways import NatGatewayBackend
    from moto.ec2.models.vpcs import VPCBackend
    from moto.rds.models import RDSBackend, rds_backends
    from moto.rds.responses import RDSResponse
    from moto.secretsmanager.exceptions import SecretNotFoundException
    from moto.secretsmanager.models import SecretsManagerBackend

    # moto keeps every global cluster in us-east-1's backend (rds/responses.py global_backend)
    def global_clusters(account_id: str) -> dict:
        return rds_backends[account_id]["us-east-1"].global_clusters

    find_for_tagging = RDSBackend._get_resource_for_tagging

    def find_with_global_clusters(self, arn: str):
        kind, _, identifier = arn.rpartition(":")
        if kind.endswith(":global-cluster"):
            return global_clusters(self.account_id).get(identifier)
        return find_for_tagging(self, arn)

    def describe_global_clusters(self) -> ActionResult:
        clusters = list(global_clusters(self.current_account).values())
        identifier = self.params.get("GlobalClusterIdentifier")
        if identifier:
            clusters = [c for c in clusters if c.global_cluster_identifier == identifier.lower()]
        for member_filter in [f for f in self.params.get("Filters", []) if f["Name"] == "db-cluster-id"]:
            values = member_filter["Values"]
            clusters = [c for c in clusters if any(m.db_cluster_arn in values or m.db_cluster_identifier in values for m in c.members)]
        return ActionResult({"GlobalClusters": clusters})

    def remove_from_global_cluster(self, global_cluster_identifier: str, db_cluster_identifier: str):
        cluster = global_clusters(self.account_id).get(global_cluster_identifier.lower())
        if cluster is None:
            return None
        for member in list(cluster.members):
            if db_cluster_identifier in (member.db_cluster_arn, member.db_cluster_identifier):
                cluster.members.remove(member)
                member.global_cluster_identifier = None
        return cluster

    list_versions = SecretsManagerBackend.list_secret_version_ids

    def list_secret_version_ids(self, secret_id: str) -> str:
        if not self._is_valid_identifier(secret_id):
            raise SecretNotFoundException()
        return list_versions(self, secret_id)

    delete_nat = NatGatewayBackend.delete_nat_gateway

    def delete_nat_gateway_and_interface(self, nat_gateway_id: str):
        nat_gateway = delete_nat(self, nat_gateway_id)
        interface = nat_gateway._eni
        for address in [a for a in self.addresses if a.eni is interface]:
            self.disassociate_address(address=address.public_ip)
        self.enis.pop(interface.id, None)
        return nat_gateway

    delete_vpc = VPCBackend.delete_vpc

    def delete_vpc_and_default_acl(self, vpc_id: str):
        vpc = delete_vpc(self, vpc_id)
        for acl_id in [i for i, acl in self.network_acls.items() if acl.vpc_id == vpc_id and acl.default]:
            del self.network_acls[acl_id]
        return vpc

    RDSBackend._get_resource_for_tagging = find_with_global_clusters
    RDSResponse.describe_global_clusters = describe_global_clusters
    RDSBackend.remove_from_global_cluster = remove_from_global_cluster
    SecretsManagerBackend.list_secret_version_ids = list_secret_version_ids
    NatGatewayBackend.delete_nat_gateway = delete_nat_gateway_and_interface
    VPCBackend.delete_vpc = delete_vpc_and_default_acl


def switch_writer(global_cluster_identifier: str, writer_region: str) -> dict:
    from moto.rds.models import rds_backends

    account = os.environ["MOTO_ACCOUNT_ID"]
    for backend in rds_backends[account].values():
        cluster = backend.global_clusters.get(global_cluster_identifier)
        if cluster is None:
            continue
        regions = [member.region for member in cluster.members]
        if writer_region not in regions:
            raise LookupError(f"{global_cluster_identifier} has no member in {writer_region} (members: {regions})")
        for member in cluster.members:
            member.is_writer = member.region == writer_region
        return {"members": [{"arn": m.db_cluster_arn, "isWriter": m.is_writer} for m in cluster.members]}
    raise LookupError(f"no global cluster {global_cluster_identifier}")


def existing_hosted_zone(zone_id: str, name: str) -> dict:
    from moto.route53.models import HostedZoneIdentifier, route53_backends
    from moto.utilities.id_generator import moto_id_manager

    account = os.environ["MOTO_ACCOUNT_ID"]
    moto_id_manager.set_custom_id(HostedZoneIdentifier(account, name, None), zone_id)
    zone = route53_backends[account]["aws"].create_hosted_zone(name, private_zone=False)
    if zone.id.split("/")[-1] != zone_id:
        raise ValueError(f"moto created {zone.id}, not {zone_id}")
    return {"id": zone.id, "name": zone.name}


def identify(model) -> str:
    for attribute in ("arn", "id", "name", "identifier", "key_id", "physical_resource_id"):
        value = getattr(model, attribute, None)
        if isinstance(value, str) and value:
            return value
    return f"object-{id(model):x}"


def gone(model) -> bool:
    """Deleted though still listed, as AWS lists some for a while (NAT gateways, peering
    connections), or scheduled for deletion (KMS keys wait out their window)."""
    for attribute in ("state", "key_state"):
        value = getattr(model, attribute, None)
        if isinstance(value, str) and value.lower() in ("deleted", "pendingdeletion"):
            return True
    return getattr(getattr(model, "_status", None), "code", None) == "deleted"


def owned(model) -> bool:
    """The account's own: not AWS's managed policies, not the account summary."""
    return not identify(model).startswith("arn:aws:iam::aws:") and type(model).__name__ != "AccountSummary"


def reachable_models(root, depth: int = 5) -> dict:
    """BaseModel instances the backend still references (deleted ones are unreferenced, or gone
    and not followed: what a deleted NAT gateway or peering connection names is not kept alive)."""
    from moto.core.common_models import BaseModel

    found: dict = {}
    seen: set = set()

    def walk(value, level: int) -> None:
        if level > depth or id(value) in seen:
            return
        seen.add(id(value))
        if isinstance(value, BaseModel):
            if gone(value):
                return
            if owned(value):
                found[id(value)] = value
            children = list(vars(value).values())
        elif isinstance(value, dict):
            children = list(value.values())
        elif isinstance(value, (list, tuple, set, frozenset)):
            children = list(value)
        elif level == 0:
            children = list(vars(value).values())
        else:
            return
        for child in children:
            walk(child, level + 1)

    walk(root, 0)
    return found


def inventory(services: list, regions: list) -> list:
    from moto.backends import get_backend

    account = os.environ["MOTO_ACCOUNT_ID"]
    items = []
    for service in services:
        backends = get_backend(service)
        for region in regions:
            try:
                backends[account][region]
            except (KeyError, ValueError):
                pass  # a global service: its one backend is listed below
        for region, backend in list(backends[account].items()):
            for key, model in reachable_models(backend).items():
                items.append({"service": service, "region": region, "type": type(model).__name__, "id": identify(model), "key": f"{key:x}"})
    return items


class Control(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        route, _, query = self.path.partition("?")
        if route != "/inventory":
            return self.answer(404, {"error": f"unknown route {route}"})
        params = dict(part.split("=", 1) for part in query.split("&") if "=" in part)
        self.answer(200, {"items": inventory(params.get("services", "").split(","), params.get("regions", "").split(","))})

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        routes = {
            "/switchover": lambda body: switch_writer(body["globalClusterIdentifier"], body["writerRegion"]),
            "/hosted-zone": lambda body: existing_hosted_zone(body["id"], body["name"]),
        }
        if self.path not in routes:
            return self.answer(404, {"error": f"unknown route {self.path}"})
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
            self.answer(200, routes[self.path](body))
        except (KeyError, LookupError, ValueError) as error:
            self.answer(400, {"error": str(error)})

    def answer(self, status: int, body: dict) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args) -> None:
        pass


def answer_loopback(query: bytes) -> bytes:
    """A DNS response to `query` (RFC 1035) with one A record, 127.0.0.1, for its question."""
    end = 12
    while query[end] != 0:
        end += query[end] + 1
    question = query[12 : end + 5]
    qtype = question[-4:-2]
    header = query[:2] + b"\x81\x80" + b"\x00\x01" + (b"\x00\x01" if qtype == b"\x00\x01" else b"\x00\x00") + b"\x00\x00\x00\x00"
    record = b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x7f\x00\x00\x01" if qtype == b"\x00\x01" else b""
    return header + question + record


def serve_dns(address: str) -> None:
    import socket

    host, _, port = address.partition(":")
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind((host, int(port or 53)))
    while True:
        query, client = server.recvfrom(512)
        try:
            server.sendto(answer_loopback(query), client)
        except IndexError:
            pass  # not a DNS query


def main() -> None:
    moto_port, control_port = sys.argv[1], int(sys.argv[2])
    threading.Thread(target=exit_with_parent, daemon=True).start()
    if len(sys.argv) > 3:
        threading.Thread(target=serve_dns, args=(sys.argv[3],), daemon=True).start()
    control = ThreadingHTTPServer(("127.0.0.1", control_port), Control)
    threading.Thread(target=control.serve_forever, daemon=True).start()
    correct_moto()
    from moto.server import main as moto_main

    moto_main(["-H", "127.0.0.1", "-p", moto_port])


if __name__ == "__main__":
    main()
