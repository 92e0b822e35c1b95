import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PaymentGlobalApi } from '../compositions/payment-global';
import { PaymentRegionApi } from '../compositions/payment-region';
import { BaseChart } from './base-chart';

/** Namespace the operators' claims (PaymentRegion, PaymentGlobal) live in. */
export const CLAIM_NAMESPACE = 'payments-dr';

/**
 * dist/platform/: what the control cluster needs once, whatever the environments — the claim
 * namespace (namespace.yaml) and each claim kind's XRD + Composition (<kind>-api.yaml).
 */
export function platformCharts(scope: Construct): void {
  const namespace = new BaseChart(scope, 'platform-namespace', { unit: 'platform', file: 'namespace', component: 'platform' });
  new kplus.Namespace(namespace, 'claims', { metadata: { name: CLAIM_NAMESPACE } });
  const regionApi = new BaseChart(scope, 'platform-paymentregion', { unit: 'platform', file: 'paymentregion-api', component: 'platform' });
  new PaymentRegionApi(regionApi, 'paymentregion');
  const globalApi = new BaseChart(scope, 'platform-paymentglobal', { unit: 'platform', file: 'paymentglobal-api', component: 'platform' });
  new PaymentGlobalApi(globalApi, 'paymentglobal');
}
