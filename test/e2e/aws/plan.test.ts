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
import { attribute, classifyDiffs, driftDiffs } from '../../../e2e/aws/drift';
import { type Managed, readProviderLog } from '../../../e2e/aws/managed';
import type { ResourceType } from '../../../e2e/resources';
import { adaptForMoto, MOTO_GAPS, OUT_OF_RUN, PAUSED } from '../../../e2e/aws/moto-gaps';
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
    url: '/',
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
    const fn = mr('lambda.aws.upbound.io/Function webhook-use1-dev', ['webhook-use1-dev']);
    const logGroup = mr('cloudwatchlogs.aws.upbound.io/Group lg-webhook-use1-dev', ['/aws/lambda/webhook-use1-dev']);
    const path = '/2015-03-31/functions/webhook-use1-dev/configuration';
    const update = call(`${path} {"LoggingConfig":{"LogGroup":"/aws/lambda/webhook-use1-dev"}}`, { url: path });
    expect(attribute(update, [logGroup, fn])?.id).toBe(fn.id);
  });

  test("a diff is moto's only when every attribute it names is one moto does not keep for that kind; any other is drift", () => {
    const fn = mr('lambda.aws.upbound.io/Function webhook-use1-dev', ['webhook-use1-dev']);
    const accepter = mr('ec2.aws.upbound.io/VPCPeeringConnectionAccepter pcx-usw2', ['pcx-0a1b2c3d'], 'us-west-2');
    const requester = mr('ec2.aws.upbound.io/VPCPeeringConnection pcx-use1', ['pcx-0a1b2c3d']);
    const diffs = classifyDiffs(
      [
        { id: fn.id, attributes: ['logging_config.#', 'logging_config.0.log_format'] },
        { id: fn.id, attributes: ['logging_config.0.log_format', 'memory_size'] },
        { id: accepter.id, attributes: ['tags.%', 'tags.Name', 'tags_all.Name'] },
        { id: requester.id, attributes: ['tags.Name'] },
        { id: fn.id, attributes: [] },
        { id: 'not/Composed here', attributes: ['tags.Name'] },
      ],
      [fn, accepter, requester],
    );
    expect(diffs.map((d) => [d.id, Boolean(d.motoGap)])).toEqual([
      [fn.id, true],
      [fn.id, false],
      [accepter.id, true],
      [requester.id, false],
      [fn.id, false],
    ]);
    expect(driftDiffs(diffs)).toHaveLength(3);
  });

  test('the kinds moto keeps a diff on compose without Update; a template that already narrows its policies keeps them', () => {
    const composition = {
      metadata: { name: 'c' },
      spec: {
        pipeline: [
          {
            input: {
              resources: [
                { name: 'fn', base: { apiVersion: 'lambda.aws.upbound.io/v1beta1', kind: 'Function', spec: { forProvider: {} } } },
                {
                  name: 'observer',
                  base: { apiVersion: 'secretsmanager.aws.upbound.io/v1beta1', kind: 'Secret', spec: { managementPolicies: ['Observe'] } },
                },
                { name: 'vpc', base: { apiVersion: 'ec2.aws.upbound.io/v1beta1', kind: 'VPC', spec: {} } },
                { name: 'table', base: { apiVersion: 'dynamodb.aws.upbound.io/v1beta1', kind: 'Table', spec: {} } },
              ],
            },
          },
        ],
      },
    };
    const adapted = adaptForMoto(composition);
    const policies = (adapted.composition.spec.pipeline[0].input.resources as Json[]).map((t) => t.base.spec.managementPolicies);
    expect(policies).toEqual([['Observe', 'Create', 'Delete', 'LateInitialize'], ['Observe'], undefined, undefined]);
    expect(adapted.noUpdate).toEqual(['c/fn (Function)', 'c/observer (Secret)']);
    expect(adapted.paused).toEqual(['c/table (Table)']);
    expect(composition.spec.pipeline[0].input.resources[0].base.spec).toEqual({ forProvider: {} });
  });

  test("the provider's log gives completed reconciles per MR and each diff with its Terraform attributes, read on from an offset", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'provider-log-'));
    const log = path.join(dir, 'provider-aws.log');
    const controller = '"controller": "managed/lambda.aws.upbound.io/v1beta1, kind=function", "request": {"name":"webhook-use1-dev"}';
    const attr = (name: string) => `\\"${name}\\":*terraform.ResourceAttrDiff{Old:\\"\\", New:\\"JSON\\"}`;
    fs.writeFileSync(
      log,
      [
        [
          '2026-12-02T08:03:18Z\tDEBUG\tprovider-aws\tDiff detected\t{"name": "webhook-use1-dev", "namespace": "", ',
          '"gvk": "lambda.aws.upbound.io/v1beta1, Kind=Function", "instanceDiff": "*terraform.InstanceDiff{Attributes:',
          `map[string]*terraform.ResourceAttrDiff{${attr('logging_config.#')}, ${attr('logging_config.0.log_format')}}}"}`,
        ].join(''),
        `2026-12-02T08:03:18Z\tDEBUG\tprovider-aws\tSkipping update due to managementPolicies. Reconciliation succeeded\t{${controller}}`,
        `2026-12-02T08:04:18Z\tDEBUG\tprovider-aws\tExternal resource is up to date\t{${controller}}`,
        `2026-12-02T08:04:18Z\tDEBUG\tprovider-aws\tReconciling\t{${controller}}`,
        '',
      ].join('\n'),
    );
    const kinds = new Map([['lambda.aws.upbound.io|function', { group: 'lambda.aws.upbound.io', kind: 'Function' } as ResourceType]]);
    const read = readProviderLog(log, kinds);
    expect([...read.counts]).toEqual([['lambda.aws.upbound.io/Function webhook-use1-dev', 2]]);
    expect(read.diffs).toEqual([
      { id: 'lambda.aws.upbound.io/Function webhook-use1-dev', attributes: ['logging_config.#', 'logging_config.0.log_format'] },
    ]);
    expect(readProviderLog(log, kinds, read.end).counts.size).toBe(0);
    const upToDate = `2026-12-02T08:05:18Z\tDEBUG\tprovider-aws\tExternal resource is up to date\t{${controller}}`;
    fs.appendFileSync(log, upToDate);
    expect(readProviderLog(log, kinds, read.end)).toMatchObject({ end: read.end, counts: new Map() });
    fs.appendFileSync(log, '\n');
    expect([...readProviderLog(log, kinds, read.end).counts.values()]).toEqual([1]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
