import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { BaseChart } from './base-chart';

/** Namespace the operators' claims (PaymentRegion, PaymentGlobal) live in. */
export const CLAIM_NAMESPACE = 'payments-dr';

/**
 * dist/platform/: what the control cluster needs once, whatever the environments — the claim
 * namespace now; Crossplane packages, XRDs and Compositions as their issues land.
 */
export class PlatformChart extends BaseChart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { unit: 'platform', component: 'platform' });
    new kplus.Namespace(this, 'claims', { metadata: { name: CLAIM_NAMESPACE } });
  }
}
