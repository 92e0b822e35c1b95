import * as kplus from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { PaymentGlobalApi } from '../compositions/payment-global';
import { PaymentRegionApi } from '../compositions/payment-region';
import { AwsProviderConfig } from './aws-provider-config';
import { BaseChart } from './base-chart';
import { compositeApisIn } from './composite-definitions';
import type { PlatformConfig } from './config/platform-types';
import { CrossplaneFunctions } from './crossplane-functions';
import { CrossplaneProviders } from './crossplane-providers';
import { OperatorsReadAccess } from './operators-read-access';
import { AWS_PROVIDER_RUNTIME_CONFIG, ProviderRuntimeConfig } from './provider-runtime-config';

/** Namespace the operators' claims (PaymentRegion, PaymentGlobal) live in. */
export const CLAIM_NAMESPACE = 'payments-dr';

/**
 * dist/platform/: what the control cluster needs once, whatever the environments — the claim
 * namespace (namespace.yaml), each claim kind's XRD + Composition (<kind>-api.yaml), the AWS
 * providers' identity (provider-runtime.yaml, IRSA/WebIdentity only), the provider packages
 * (providers.yaml), the composition functions (functions.yaml), the ProviderConfig
 * (providerconfig.yaml) and the operators' read access (operators-rbac.yaml).
 */
export function platformCharts(scope: Construct, platform: PlatformConfig): void {
  const namespace = new BaseChart(scope, 'platform-namespace', { unit: 'platform', file: 'namespace', component: 'platform' });
  new kplus.Namespace(namespace, 'claims', { metadata: { name: CLAIM_NAMESPACE } });
  const regionApi = new BaseChart(scope, 'platform-paymentregion', { unit: 'platform', file: 'paymentregion-api', component: 'platform' });
  new PaymentRegionApi(regionApi, 'paymentregion');
  const globalApi = new BaseChart(scope, 'platform-paymentglobal', { unit: 'platform', file: 'paymentglobal-api', component: 'platform' });
  new PaymentGlobalApi(globalApi, 'paymentglobal');

  const platformChart = (file: string) => new BaseChart(scope, `platform-${file}`, { unit: 'platform', file, component: 'platform' });
  const credentials = platform.awsCredentials;
  if (credentials.source !== 'Secret') new ProviderRuntimeConfig(platformChart('provider-runtime'), 'aws', { credentials });
  new CrossplaneProviders(platformChart('providers'), 'aws', {
    crossplane: platform.crossplane,
    runtimeConfigName: credentials.source === 'Secret' ? undefined : AWS_PROVIDER_RUNTIME_CONFIG,
  });
  new CrossplaneFunctions(platformChart('functions'), 'functions', { crossplane: platform.crossplane });
  new AwsProviderConfig(platformChart('providerconfig'), 'default', { credentials });
  new OperatorsReadAccess(platformChart('operators-rbac'), 'operators', {
    group: platform.operatorsGroup,
    apis: compositeApisIn([regionApi, globalApi]),
  });
}
