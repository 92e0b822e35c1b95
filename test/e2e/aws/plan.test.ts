/**
 * The AWS e2e's plan, checked without starting anything: which of dist/ it applies and how it
 * changes it (the ProviderConfig points at moto; the kinds moto cannot serve compose paused), how
 * REST calls are told apart, and how a mutating call is pinned on the MR it names.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { AWS_PROVIDER_SERVICES } from '../../../charts/crossplane-providers';
import { type AwsCall, classify } from '../../../e2e/aws/aws-calls';
import { attribute, offendersOf } from '../../../e2e/aws/drift';
import type { Managed } from '../../../e2e/aws/managed';
import { MOTO_GAPS, OUT_OF_RUN, PAUSED } from '../../../e2e/aws/moto-gaps';
import { writeCrdsWithConversion } from '../../../e2e/aws/provider';
import { hostedZones, operatorSecrets, platformOnMoto } from '../../../e2e/aws/scenario';
import { readPlatform, type Platform } from '../../../e2e/platform';
import { crdDir, REPO_ROOT } from '../../../engines/crds';

type Json = Record<string, any>;
const auth = (region: string, service: string) => ({
  Authorization: `AWS4-HMAC-SHA256 Credential=AKIA/20261202/${region}/${service}/aws4_request, SignedHeaders=host, Signature=x`,
});

describe('npm run e2e:aws: its plan from dist/', () => {
  let dist: Platform;
  let onMoto: { platform: Platform; paused: string[] };
  beforeAll(() => {
    dist = readPlatform(REPO_ROOT, path.join(REPO_ROOT, 'dist'));
    onMoto = platformOnMoto(dist, 'dev', 'http://127.0.0.1:5000');
  });

  test("it applies the platform and the environment's units only", () => {
    expect(onMoto.platform.units.map((u) => u.folder).sort()).toEqual([
      'dist/dev/global',
      'dist/dev/use1',
      'dist/dev/usw2',
      'dist/platform',
    ]);
    expect(() => platformOnMoto(dist, 'nowhere', 'http://127.0.0.1:5000')).toThrow('dist/ has no units for the environment "nowhere"');
  });

  test('the IRSA ProviderConfig is replaced by one with static credentials and every service sent to moto, in the same sync wave', () => {
    const before = dist.units.flatMap((u) => u.manifests).find((o) => o.kind === 'ProviderConfig')!;
    const after = onMoto.platform.units.flatMap((u) => u.manifests).filter((o) => o.kind === 'ProviderConfig');
    expect(before.spec.credentials.source).toBe('IRSA');
    expect(after).toHaveLength(1);
    expect(after[0].metadata.annotations['argocd.argoproj.io/sync-wave']).toBe(before.metadata.annotations['argocd.argoproj.io/sync-wave']);
    expect(after[0].spec.credentials).toEqual({
      source: 'Secret',
      secretRef: { namespace: 'crossplane-system', name: 'moto-credentials', key: 'credentials' },
    });
    expect(after[0].spec.endpoint.url).toEqual({ type: 'Static', static: 'http://127.0.0.1:5000' });
    // Every service the composed kinds call (derived from dist/): the provider families the platform
    // installs (a list test/charts/providers.test.ts states), CloudWatch Logs under Terraform's key "logs",
    // S3 Control (bucket tags) and STS.
    const families = AWS_PROVIDER_SERVICES.map((service) => (service === 'cloudwatchlogs' ? 'logs' : service));
    expect(after[0].spec.endpoint.services).toEqual([...families, 's3control', 'sts'].sort());
    expect(after[0].spec.skip_credentials_validation).toBe(true);
  });

  test("every claim names moto's account; the hosted zone each names is the one the e2e creates", () => {
    const claims = onMoto.platform.units.flatMap((u) => u.manifests).filter((o) => o.apiVersion.startsWith('payments-dr.io/'));
    const accounts = claims.flatMap((c) => [c.spec.awsAccountId, c.spec.alerting?.awsAccountId]).filter(Boolean);
    expect(new Set(accounts)).toEqual(new Set(['000000000000']));
    expect(accounts).toHaveLength(3); // both PaymentRegions' spec.awsAccountId and PaymentGlobal's spec.alerting.awsAccountId
    expect(hostedZones(onMoto.platform)).toEqual([{ id: 'Z0EXAMPLE0DEV0ZONE01', name: 'dev.payments.example.com' }]);
  });

  test('the operator creates the webhook signing secrets and the app role password; the master password is left to Aurora', () => {
    const secrets = operatorSecrets('dev');
    expect(secrets.map((s) => `${s.metadata.namespace}/${s.metadata.name} ${Object.keys(s.stringData)}`).sort()).toEqual([
      'crossplane-system/aurora-app-password-dev password',
      'crossplane-system/webhook-signing-dev secrets',
    ]);
    expect(JSON.parse(secrets.find((s) => s.stringData.secrets)!.stringData.secrets)).toEqual(['whsec_e2e_aws']);
  });

  test("exactly the templates of moto's gap kinds and of the provider build's defects compose paused; dist/ is left as it is", () => {
    const templates = (p: Platform) =>
      p.units
        .flatMap((u) => u.manifests)
        .filter((o) => o.kind === 'Composition')
        .flatMap((c) => (c.spec.pipeline as Json[]).flatMap((s) => (s.input?.resources ?? []) as Json[]));
    const pausedKinds = templates(onMoto.platform)
      .filter((t) => t.base?.metadata?.annotations?.[PAUSED] === 'true')
      .map((t) => `${t.base.apiVersion.split('/')[0]}/${t.base.kind}`);
    expect([...new Set(pausedKinds)].sort()).toEqual(
      [...Object.keys(MOTO_GAPS), 'ec2.aws.upbound.io/SecurityGroupEgressRule', 'ec2.aws.upbound.io/SecurityGroupIngressRule'].sort(),
    );
    const gapTemplates = templates(dist).filter((t) => OUT_OF_RUN[`${t.base?.apiVersion.split('/')[0]}/${t.base?.kind}`]);
    expect(pausedKinds).toHaveLength(gapTemplates.length);
    expect(onMoto.paused).toHaveLength(gapTemplates.length);
    expect(templates(dist).some((t) => t.base?.metadata?.annotations?.[PAUSED])).toBe(false);
  });

  test("the provider's CRDs with more than one version are converted by its webhook, as Crossplane installs them", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-aws-crds-'));
    const vendored = path.join(crdDir(), 'provider-aws');
    const names = ['acm.aws.upbound.io_certificates.yaml', 'rds.aws.upbound.io_globalclusters.yaml', 'dynamodb.aws.upbound.io_tables.yaml'];
    // The first two as the provider's module has them; the Table as vendored (a paused kind): not converted.
    fs.mkdirSync(path.join(dir, 'module'));
    const sources = names.map((f, i) => (i < 2 ? path.join(dir, 'module', f) : path.join(vendored, f)));
    for (const [i, f] of names.slice(0, 2).entries()) fs.copyFileSync(path.join(vendored, f), sources[i]);
    fs.writeFileSync(path.join(dir, 'ca.crt'), 'CA');
    const written = writeCrdsWithConversion(sources, path.join(dir, 'out'), path.join(dir, 'ca.crt'), 9443).map((f) =>
      parse(fs.readFileSync(f, 'utf8')),
    );
    expect(written.map((crd) => crd.spec.versions.length)).toEqual([2, 1, 2]);
    expect(written[0].spec.conversion).toEqual({
      strategy: 'Webhook',
      webhook: {
        clientConfig: { url: 'https://127.0.0.1:9443/convert', caBundle: Buffer.from('CA').toString('base64') },
        conversionReviewVersions: ['v1'],
      },
    });
    expect(written[1].spec.conversion).toBeUndefined();
    expect(written[2].spec.conversion).toBeUndefined();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test.each([
    ['GET', '/2015-03-31/functions/webhook-use1-dev', 'lambda', false],
    ['HEAD', '/artifacts-use1-dev', 's3', false],
    ['PUT', '/2015-03-31/functions/webhook-use1-dev/concurrency', 'lambda', true],
    ['DELETE', '/v2/apis/abc123', 'apigateway', true],
    ['POST', '/2013-04-01/tags/healthcheck', 'route53', false],
    ['POST', '/2013-04-01/tags/healthcheck/0c6f-44', 'route53', true],
  ])('REST: %s %s to %s mutates: %s', (method, url, service, mutating) => {
    const call = classify({ method, url, headers: auth('us-east-1', service) });
    expect(call).toMatchObject({ service, region: 'us-east-1', action: `${method} ${url}`, mutating });
  });

  test('a query-protocol action in the body is read even when the URL has none', () => {
    const body = Buffer.from('Action=ModifyDBCluster&DBClusterIdentifier=aurora-use1-dev&Version=2014-10-31').toString('base64');
    const call = classify({ method: 'POST', url: '/', headers: auth('us-west-2', 'rds'), body, body_encoded: true });
    expect(call).toMatchObject({ service: 'rds', region: 'us-west-2', action: 'ModifyDBCluster', mutating: true });
    expect(call.text).toContain('aurora-use1-dev');
  });

  const mr = (id: string, identifiers: string[], region = 'us-east-1') => {
    const [group, kind] = id.split(' ')[0].split('/');
    return { id, identifiers, region, type: { group, kind } } as unknown as Managed;
  };
  const call = (text: string, extra: Partial<AwsCall> = {}): AwsCall => ({
    service: 'rds',
    region: 'us-east-1',
    action: 'X',
    mutating: true,
    text,
    body: '',
    ...extra,
  });

  test('a mutating call is pinned on the MR whose longest identifier it names, of two with that id the one in its region', () => {
    const managed = [
      mr('rds.aws.upbound.io/Cluster aurora-use1-dev', ['aurora-use1-dev']),
      mr('rds.aws.upbound.io/ClusterInstance aurora-use1-dev-1', ['aurora-use1-dev-1']),
      mr('ec2.aws.upbound.io/VPCPeeringConnection pcx-use1', ['pcx-0a1b2c3d']),
      mr('ec2.aws.upbound.io/VPCPeeringConnectionAccepter pcx-usw2', ['pcx-0a1b2c3d'], 'us-west-2'),
    ];
    const id = (c: AwsCall) => attribute(c, managed)?.id;
    expect(id(call('DBInstanceIdentifier=aurora-use1-dev-1'))).toBe('rds.aws.upbound.io/ClusterInstance aurora-use1-dev-1');
    expect(id(call('DBClusterIdentifier=aurora-use1-dev&'))).toBe('rds.aws.upbound.io/Cluster aurora-use1-dev');
    expect(id(call('ResourceId.1=pcx-0a1b2c3d', { region: 'us-west-2' }))).toBe('ec2.aws.upbound.io/VPCPeeringConnectionAccepter pcx-usw2');
    expect(id(call('ResourceId.1=pcx-0a1b2c3d'))).toBe('ec2.aws.upbound.io/VPCPeeringConnection pcx-use1');
    expect(id(call('VpcId=vpc-1'))).toBeUndefined();
  });

  test("only the exact calls of moto's known loops are set apart; any other mutating call of the same MR is drift", () => {
    const fn = mr('lambda.aws.upbound.io/Function webhook-use1-dev', ['webhook-use1-dev']);
    const accepter = mr('ec2.aws.upbound.io/VPCPeeringConnectionAccepter pcx-usw2', ['pcx-0a1b2c3d'], 'us-west-2');
    const requester = mr('ec2.aws.upbound.io/VPCPeeringConnection pcx-use1', ['pcx-0a1b2c3d']);
    const lambda = (body: object) =>
      call('/2015-03-31/functions/webhook-use1-dev/configuration', {
        service: 'lambda',
        action: 'PUT /2015-03-31/functions/webhook-use1-dev/configuration',
        body: JSON.stringify(body),
      });
    const tags = call('Action=CreateTags&ResourceId.1=pcx-0a1b2c3d', { service: 'ec2', region: 'us-west-2', action: 'CreateTags' });
    const offenders = (calls: AwsCall[]) => offendersOf(calls, [fn, accepter, requester]).map((o) => [o.mr, Boolean(o.motoLoop)]);
    expect(offenders([lambda({ LoggingConfig: { LogFormat: 'JSON' } }), lambda({ LoggingConfig: {}, MemorySize: 1024 }), tags])).toEqual([
      [fn.id, true],
      [fn.id, false],
      [accepter.id, true],
    ]);
    expect(offenders([{ ...tags, region: 'us-east-1' }])).toEqual([[requester.id, false]]);
    expect(offenders([{ ...tags, action: 'DeleteTags' }])).toEqual([[accepter.id, false]]);
  });
});
