/**
 * The Aurora Global Database lag metrics of one cluster, as a CloudWatch Metrics Insights query.
 * AWS documents AuroraGlobalDBReplicationLag / AuroraGlobalDBRPOLag (ms, published only in the
 * secondary's region) but not the dimension set they carry (DBClusterIdentifier, SourceRegion, or
 * both); a query on one exact set returns nothing when the set differs. The query matches every
 * series of the cluster whatever else it carries. One source for the alarms, the dashboard and the
 * failover controller's evidence.
 */
export type AuroraLagMetric = 'AuroraGlobalDBReplicationLag' | 'AuroraGlobalDBRPOLag';

export function auroraLagQuery(metric: AuroraLagMetric, clusterId: string): string {
  return `SELECT MAX(${metric}) FROM "AWS/RDS" WHERE DBClusterIdentifier = '${clusterId}'`;
}
