import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { PAYMENT_GLOBAL_KIND } from '../compositions/payment-global';
import { slotOf, versionSlotField } from '../compositions/payment-global/secrets';
import { migrationSetHash, readMigrationSet } from '../functions/migrate/migration-set';
import { REGION_SUFFIXES } from '../facts/regions';
import type { EnvironmentConfig } from './config/types';
import { API_GROUP } from '../facts/labels';
import { tableName } from '../facts/naming';
import { CLAIM_NAMESPACE } from './platform-chart';

/** DynamoDB SystemErrors per minute that page: any sustained server-side error rate is an AWS-side problem worth a look. */
export const TABLE_SYSTEM_ERRORS_THRESHOLD = 5;

/** The claim's spec, computed from a validated environment. */
export function paymentGlobalSpec(env: EnvironmentConfig): Record<string, unknown> {
  const regions = Object.fromEntries(
    REGION_SUFFIXES.map((region) => [
      region,
      {
        vpcCidr: env.regions[region].vpcCidr,
        availabilityZones: [...env.regions[region].availabilityZones],
        instanceClass: env.database.instanceClass,
        instanceIdentifiers: Array.from({ length: env.database.instancesPerRegion }, (_, i) =>
          tableName('rds-instance', `aurora-instance-${i + 1}`, region, env.environmentSuffix),
        ),
      },
    ]),
  );
  return {
    environmentSuffix: env.environmentSuffix,
    database: {
      engineVersion: env.database.engineVersion,
      backupRetentionDays: env.database.backupRetentionDays,
      preferredBackupWindow: env.database.preferredBackupWindow,
    },
    alerting: { awsAccountId: env.awsAccountId, tableSystemErrorsThreshold: TABLE_SYSTEM_ERRORS_THRESHOLD },
    tables: { pointInTimeRecoveryDays: env.tables.pointInTimeRecoveryDays },
    secrets: Object.fromEntries(
      Object.entries(env.secretVersions).map(([key, version]) => [key, { [versionSlotField(slotOf(version))]: version }]),
    ),
    migrations: { setHash: migrationSetHash(readMigrationSet()) },
    regions,
  };
}

/** The PaymentGlobal claim of one environment (namespace payments-dr, name `paymentglobal-{env}`). */
export class PaymentGlobalClaim extends ApiObject {
  constructor(scope: Construct, id: string, environment: EnvironmentConfig) {
    super(scope, id, {
      apiVersion: `${API_GROUP}/v1alpha1`,
      kind: PAYMENT_GLOBAL_KIND,
      metadata: { name: `paymentglobal-${environment.environmentSuffix}`, namespace: CLAIM_NAMESPACE },
      spec: paymentGlobalSpec(environment),
    });
  }
}
