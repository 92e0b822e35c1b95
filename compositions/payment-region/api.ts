import { LABEL } from '../../facts/labels';
import { CertificateV1Beta2, CertificateValidation } from '../../imports/acm.aws.upbound.io';
import {
  ApiMapping,
  Apiv1Beta2,
  DomainNameV1Beta2,
  IntegrationV1Beta2,
  Route,
  StageV1Beta2,
} from '../../imports/apigatewayv2.aws.upbound.io';
import { Group } from '../../imports/cloudwatchlogs.aws.upbound.io';
import { Permission } from '../../imports/lambda.aws.upbound.io';
import { Route53HealthCheck, Route53RecordV1Beta2 } from '../../imports/route53.aws.upbound.io';
import type { ComposedResource } from '../lib/composition';
import { combine, fromXr, required, templated, toXr } from '../lib/patches';
import { regionFromXr, sameComposite } from '../lib/resources';
import { XR, regionalName, regionalResource } from './common';
import { LOG_RETENTION_DAYS } from './compute';

/** The HTTP routes and the function behind each. */
export const API_ROUTES = [
  { function: 'webhook', method: 'POST', path: '/webhooks/payments', integrationTimeoutMs: 10000 },
  { function: 'health', method: 'GET', path: '/health', integrationTimeoutMs: 2000 },
] as const;

/** Route 53 checker regions (it needs at least 3; more checkers make a false "unhealthy" less likely). */
export const HEALTH_CHECKER_REGIONS = ['us-east-1', 'us-west-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1', 'sa-east-1'];

/** Stage throttling: steady requests per second and burst, per region. */
export const API_THROTTLING = { rateLimit: 500, burstLimit: 1000 } as const;

const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTimeEpoch',
  routeKey: '$context.routeKey',
  status: '$context.status',
  responseLength: '$context.responseLength',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
});

const DNS = { zone: 'spec.dns.hostedZoneId', regional: 'spec.dns.regionalDomain', failover: 'spec.dns.failoverDomain' } as const;

function httpApi(): ComposedResource[] {
  const api = sameComposite();
  return [
    regionalResource({
      name: 'api',
      type: 'api-payments',
      component: 'api',
      manifest: Apiv1Beta2.manifest({
        spec: { forProvider: regionFromXr({ protocolType: 'HTTP', description: 'payment webhooks and the regional health endpoint' }) },
      }),
      patches: [
        regionalName('api-payments', 'spec.forProvider.name'),
        toXr('status.atProvider.id', 'status.apiId'),
        toXr('status.atProvider.apiEndpoint', 'status.apiEndpoint'),
        toXr('status.atProvider.executionArn', 'status.apiExecutionArn'),
      ],
    }),
    ...API_ROUTES.flatMap((route) => [
      regionalResource({
        name: `integration-${route.function}`,
        type: `integration-${route.function}`,
        component: 'api',
        purpose: route.function,
        manifest: IntegrationV1Beta2.manifest({
          spec: {
            forProvider: regionFromXr({
              apiIdSelector: api,
              integrationType: 'AWS_PROXY',
              integrationMethod: 'POST',
              payloadFormatVersion: '2.0',
              timeoutMilliseconds: route.integrationTimeoutMs,
              integrationUriSelector: sameComposite({ [LABEL.purpose]: route.function }),
            }),
          },
        }),
      }),
      regionalResource({
        name: `route-${route.function}`,
        type: `route-${route.function}`,
        component: 'api',
        purpose: route.function,
        manifest: Route.manifest({
          spec: {
            forProvider: regionFromXr({
              apiIdSelector: api,
              routeKey: `${route.method} ${route.path}`,
              targetSelector: sameComposite({ [LABEL.purpose]: route.function }),
            }),
          },
        }),
      }),
      regionalResource({
        name: `permission-${route.function}`,
        type: `permission-${route.function}`,
        component: 'api',
        purpose: route.function,
        manifest: Permission.manifest({
          spec: {
            forProvider: regionFromXr({
              action: 'lambda:InvokeFunction',
              principal: 'apigateway.amazonaws.com',
              statementId: 'AllowHttpApiRoute',
              functionNameSelector: sameComposite({ [LABEL.purpose]: route.function }),
            }),
          },
        }),
        // Only this API's one route may invoke the function: {executionArn}/{stage}/{method}{path}.
        patches: [required(combine(`%s/*/${route.method}${route.path}`, ['status.apiExecutionArn'], 'spec.forProvider.sourceArn'))],
      }),
    ]),
    regionalResource({
      name: 'log-group-api-access',
      type: 'lg-api-access',
      component: 'api',
      purpose: 'access-logs',
      manifest: Group.manifest({
        spec: { forProvider: regionFromXr({ retentionInDays: LOG_RETENTION_DAYS, kmsKeyIdSelector: sameComposite() }) },
      }),
      patches: [
        combine(
          '/aws/apigateway/api-payments-%s-%s',
          [XR.regionSuffix, XR.environment],
          'metadata.annotations[crossplane.io/external-name]',
        ),
      ],
    }),
    regionalResource({
      name: 'stage',
      type: 'stage-default',
      component: 'api',
      manifest: StageV1Beta2.manifest({
        metadata: { annotations: { 'crossplane.io/external-name': '$default' } },
        spec: {
          forProvider: regionFromXr({
            apiIdSelector: api,
            autoDeploy: true,
            accessLogSettings: { format: ACCESS_LOG_FORMAT },
            defaultRouteSettings: {
              throttlingRateLimit: API_THROTTLING.rateLimit,
              throttlingBurstLimit: API_THROTTLING.burstLimit,
              detailedMetricsEnabled: true,
            },
          }),
        },
      }),
      patches: [
        templated(
          'arn:aws:logs:{{region}}:{{account}}:log-group:/aws/apigateway/api-payments-{{regionSuffix}}-{{env}}',
          { region: XR.region, account: XR.account, regionSuffix: XR.regionSuffix, env: XR.environment },
          'spec.forProvider.accessLogSettings.destinationArn',
        ),
      ],
    }),
  ];
}

/**
 * One certificate per region covering the failover hostname (what senders call) and the regional
 * hostname (what the health check probes), validated by DNS. ACM asks for one CNAME per hostname;
 * the failover hostname's CNAME is the same in both regions, so both claims manage it
 * (allowOverwrite, identical value): deleting one region's claim removes it and the other region's
 * record recreates it on its next reconcile.
 */
function certificate(): ComposedResource[] {
  return [
    regionalResource({
      name: 'certificate',
      type: 'cert-api',
      component: 'dns',
      manifest: CertificateV1Beta2.manifest({ spec: { forProvider: regionFromXr({ validationMethod: 'DNS', keyAlgorithm: 'RSA_2048' }) } }),
      patches: [
        fromXr(DNS.failover, 'spec.forProvider.domainName'),
        fromXr(DNS.regional, 'spec.forProvider.subjectAlternativeNames[0]'),
        toXr('status.atProvider.domainValidationOptions', 'status.certificateValidationRecords'),
      ],
    }),
    ...[0, 1].map((index) =>
      regionalResource({
        name: `certificate-validation-record-${index}`,
        type: `cert-validation-${index}`,
        component: 'dns',
        regional: false,
        manifest: Route53RecordV1Beta2.manifest({ spec: { forProvider: { type: 'CNAME', ttl: 60, allowOverwrite: true } } }),
        patches: [
          fromXr(DNS.zone, 'spec.forProvider.zoneId'),
          required(fromXr(`status.certificateValidationRecords[${index}].resourceRecordName`, 'spec.forProvider.name')),
          required(fromXr(`status.certificateValidationRecords[${index}].resourceRecordValue`, 'spec.forProvider.records[0]')),
        ],
      }),
    ),
    regionalResource({
      name: 'certificate-validation',
      type: 'cert-validation',
      component: 'dns',
      manifest: CertificateValidation.manifest({ spec: { forProvider: regionFromXr({ certificateArnSelector: sameComposite() }) } }),
      // Its create returns only once ACM reports the certificate ISSUED: the domains take the ARN from here.
      patches: [toXr('status.atProvider.certificateArn', 'status.issuedCertificateArn')],
    }),
  ];
}

/** Custom domains (regional + failover hostname) on this region's API, each mapped to the $default stage and given an alias record. */
function customDomains(): ComposedResource[] {
  return (['regional', 'failover'] as const).flatMap((kind) => {
    const statusPrefix = `status.${kind}Domain`;
    const domain = sameComposite({ [LABEL.purpose]: kind });
    return [
      regionalResource({
        name: `domain-${kind}`,
        type: `domain-${kind}`,
        component: 'dns',
        purpose: kind,
        manifest: DomainNameV1Beta2.manifest({
          spec: { forProvider: regionFromXr({ domainNameConfiguration: { endpointType: 'REGIONAL', securityPolicy: 'TLS_1_2' } }) },
        }),
        patches: [
          // Not a selector on the Certificate (Ready as soon as it is requested): API Gateway refuses
          // a certificate that is not ISSUED, so the domain waits for the validated ARN.
          required(fromXr('status.issuedCertificateArn', 'spec.forProvider.domainNameConfiguration.certificateArn')),
          fromXr(DNS[kind], 'metadata.annotations[crossplane.io/external-name]'),
          toXr('status.atProvider.domainNameConfiguration.targetDomainName', `${statusPrefix}Target`),
          toXr('status.atProvider.domainNameConfiguration.hostedZoneId', `${statusPrefix}ZoneId`),
        ],
      }),
      regionalResource({
        name: `api-mapping-${kind}`,
        type: `api-mapping-${kind}`,
        component: 'dns',
        purpose: kind,
        manifest: ApiMapping.manifest({
          spec: {
            forProvider: regionFromXr({ apiIdSelector: sameComposite(), domainNameSelector: domain, stageSelector: sameComposite() }),
          },
        }),
      }),
    ];
  });
}

/**
 * The regional alias record (what the health check resolves) and this region's failover record:
 * PRIMARY in use1, SECONDARY in usw2, answered only while its own health check passes.
 */
function records(): ComposedResource[] {
  const recordKinds = [
    { kind: 'regional', evaluateTargetHealth: false },
    { kind: 'failover', evaluateTargetHealth: true },
  ] as const;
  return recordKinds.map(({ kind, evaluateTargetHealth }) =>
    regionalResource({
      name: `record-${kind}`,
      type: `record-${kind}`,
      component: 'dns',
      purpose: kind,
      regional: false,
      manifest: Route53RecordV1Beta2.manifest({
        spec: {
          forProvider: {
            type: 'A',
            alias: { evaluateTargetHealth },
            ...(kind === 'failover' ? { healthCheckIdSelector: sameComposite() } : {}),
          },
        },
      }),
      patches: [
        fromXr(DNS.zone, 'spec.forProvider.zoneId'),
        fromXr(DNS[kind], 'spec.forProvider.name'),
        required(fromXr(`status.${kind}DomainTarget`, 'spec.forProvider.alias.name')),
        required(fromXr(`status.${kind}DomainZoneId`, 'spec.forProvider.alias.zoneId')),
        ...(kind === 'failover'
          ? [fromXr(XR.role, 'spec.forProvider.failoverRoutingPolicy.type'), regionalName('failover', 'spec.forProvider.setIdentifier')]
          : []),
      ],
    }),
  );
}

/** HTTPS check of this region's own /health through its regional hostname (SNI on). */
function healthCheck(): ComposedResource {
  return regionalResource({
    name: 'health-check',
    type: 'healthcheck',
    component: 'dns',
    regional: false,
    manifest: Route53HealthCheck.manifest({
      spec: {
        forProvider: {
          type: 'HTTPS',
          port: 443,
          resourcePath: '/health',
          enableSni: true,
          measureLatency: true,
          regions: HEALTH_CHECKER_REGIONS,
        },
      },
    }),
    patches: [
      fromXr(DNS.regional, 'spec.forProvider.fqdn'),
      fromXr('spec.healthCheck.requestInterval', 'spec.forProvider.requestInterval'),
      fromXr('spec.healthCheck.failureThreshold', 'spec.forProvider.failureThreshold'),
      regionalName('healthcheck', 'spec.forProvider.tags[Name]'),
      toXr('status.atProvider.id', 'status.healthCheckId'),
    ],
  });
}

/** HTTP API, certificate, custom domains, Route 53 records and the health check. */
export function apiResources(): ComposedResource[] {
  return [...httpApi(), ...certificate(), ...customDomains(), ...records(), healthCheck()];
}
