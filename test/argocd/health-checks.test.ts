import { HEALTH_SCRIPTS } from '../../argocd/health-scripts';
import { runHealthCheck } from '../../engines/argocd-lua';

const condition = (type: string, status: string, reason?: string, message?: string) => ({
  type,
  status,
  ...(reason ? { reason } : {}),
  ...(message ? { message } : {}),
});
const withConditions = (kind: string, ...conditions: object[]) => ({
  apiVersion: 'payments-dr.io/v1alpha1',
  kind,
  metadata: { name: 'paymentregion-use1-dev' },
  status: { conditions },
});

describe('Crossplane resource health (claims, composites, *.aws.upbound.io managed resources)', () => {
  const check = (obj: unknown) => runHealthCheck(HEALTH_SCRIPTS.crossplaneResource, obj);

  test('Ready=True and Synced=True is Healthy', () => {
    expect(
      check(withConditions('PaymentRegion', condition('Synced', 'True', 'ReconcileSuccess'), condition('Ready', 'True', 'Available'))),
    ).toEqual({ status: 'Healthy', message: 'Ready Available' });
  });

  test('Synced=False is Degraded with the reason and message, even when Ready=True', () => {
    const result = check(
      withConditions(
        'XPaymentGlobal',
        condition('Ready', 'True', 'Available'),
        condition(
          'Synced',
          'False',
          'ReconcileError',
          'cannot compose resources: cannot apply composed resource "aurora-use1": admission webhook denied',
        ),
      ),
    );
    expect(result.status).toBe('Degraded');
    expect(result.message).toBe(
      'Synced=False ReconcileError: cannot compose resources: cannot apply composed resource "aurora-use1": admission webhook denied',
    );
  });

  test('a failed asynchronous operation of a managed resource is Degraded', () => {
    const result = check({
      apiVersion: 'rds.aws.upbound.io/v1beta2',
      kind: 'Cluster',
      status: {
        conditions: [
          condition('Synced', 'True'),
          condition('Ready', 'False', 'Creating'),
          condition('LastAsyncOperation', 'False', 'ApplyFailure', 'InvalidParameterCombination: engine version 14.99 not found'),
        ],
      },
    });
    expect(result).toEqual({
      status: 'Degraded',
      message: 'LastAsyncOperation failed ApplyFailure: InvalidParameterCombination: engine version 14.99 not found',
    });
  });

  test('Ready=False while creating is Progressing and says what it waits for', () => {
    const result = check(
      withConditions(
        'PaymentRegion',
        condition('Synced', 'True'),
        condition('Ready', 'False', 'Creating', 'Unready resources: aurora-use1, nat-gateway-a'),
      ),
    );
    expect(result).toEqual({ status: 'Progressing', message: 'Ready=False Creating: Unready resources: aurora-use1, nat-gateway-a' });
  });

  test('Ready=False because a resource became unavailable is Degraded', () => {
    expect(check(withConditions('Cluster', condition('Synced', 'True'), condition('Ready', 'False', 'Unavailable'))).status).toBe(
      'Degraded',
    );
  });

  test('an unknown Ready condition is Progressing', () => {
    expect(check(withConditions('PaymentGlobal', condition('Ready', 'Unknown'))).status).toBe('Progressing');
  });

  test('no status yet, or no Ready condition yet, is Progressing', () => {
    expect(check({ apiVersion: 'payments-dr.io/v1alpha1', kind: 'PaymentGlobal', metadata: { name: 'paymentglobal-dev' } })).toEqual({
      status: 'Progressing',
      message: 'Waiting for Crossplane to report Ready',
    });
    expect(check(withConditions('PaymentGlobal', condition('Synced', 'True'))).status).toBe('Progressing');
  });

  test('a paused resource is Suspended, not Degraded', () => {
    expect(check(withConditions('PaymentRegion', condition('Synced', 'False', 'ReconcilePaused'), condition('Ready', 'True'))).status).toBe(
      'Suspended',
    );
  });

  test('a resource being deleted is Progressing', () => {
    const deleting = {
      ...withConditions('PaymentRegion', condition('Ready', 'True')),
      metadata: { name: 'x', deletionTimestamp: '2026-01-01T00:00:00Z' },
    };
    expect(check(deleting).status).toBe('Progressing');
    expect(check(deleting).message).toMatch(/^Deleting/);
  });
});

describe('Crossplane package health (pkg.crossplane.io Provider, Function)', () => {
  const check = (...conditions: object[]) =>
    runHealthCheck(HEALTH_SCRIPTS.crossplanePackage, { apiVersion: 'pkg.crossplane.io/v1', kind: 'Provider', status: { conditions } });

  test('Installed and Healthy is Healthy', () => {
    expect(check(condition('Installed', 'True', 'ActivePackageRevision'), condition('Healthy', 'True', 'HealthyPackageRevision'))).toEqual({
      status: 'Healthy',
      message: 'Installed and healthy',
    });
  });

  test('unpacking is Progressing; an unpack error (e.g. a refused pull) is Degraded with the error', () => {
    expect(check(condition('Installed', 'False', 'UnpackingPackage')).status).toBe('Progressing');
    const refused = check(
      condition(
        'Installed',
        'False',
        'UnpackingPackage',
        'cannot unpack package: failed to fetch package digest from remote: 401 Unauthorized',
      ),
    );
    expect(refused).toEqual({
      status: 'Degraded',
      message: 'Installed=False UnpackingPackage: cannot unpack package: failed to fetch package digest from remote: 401 Unauthorized',
    });
  });

  test('an unhealthy revision is Degraded', () => {
    const result = check(
      condition('Installed', 'True', 'ActivePackageRevision'),
      condition('Healthy', 'False', 'UnhealthyPackageRevision', 'post establish hook: cannot establish control of object'),
    );
    expect(result.status).toBe('Degraded');
    expect(result.message).toContain('cannot establish control of object');
  });

  test('installed but health not reported yet is Progressing; an inactive revision is Suspended', () => {
    expect(
      check(condition('Installed', 'True', 'ActivePackageRevision'), condition('Healthy', 'Unknown', 'UnknownPackageRevisionHealth'))
        .status,
    ).toBe('Progressing');
    expect(check(condition('Installed', 'False', 'InactivePackageRevision')).status).toBe('Suspended');
  });

  test('no status yet is Progressing', () => {
    expect(
      runHealthCheck(HEALTH_SCRIPTS.crossplanePackage, {
        apiVersion: 'pkg.crossplane.io/v1',
        kind: 'Function',
        metadata: { name: 'function-auto-ready' },
      }).status,
    ).toBe('Progressing');
  });
});

describe('Application health (child Applications of the root)', () => {
  const check = (obj: unknown) => runHealthCheck(HEALTH_SCRIPTS.argocdApplication, obj);

  test("reports the Application's own health and message", () => {
    expect(check({ kind: 'Application', status: { health: { status: 'Healthy' } } })).toEqual({ status: 'Healthy', message: '' });
    expect(
      check({
        kind: 'Application',
        status: { health: { status: 'Degraded', message: 'PaymentRegion paymentregion-use1-dev: Synced=False' } },
      }),
    ).toEqual({
      status: 'Degraded',
      message: 'PaymentRegion paymentregion-use1-dev: Synced=False',
    });
  });

  test('an Application not assessed yet is Progressing, so the root waits', () => {
    expect(check({ kind: 'Application', metadata: { name: 'payments-dr-dev-global' } }).status).toBe('Progressing');
  });
});

describe('the sandbox', () => {
  test('has no string library, like Argo CD: a script using it fails here too', () => {
    expect(() => runHealthCheck('return { status = string.upper("healthy") }', {})).toThrow(/string/);
  });
});
