import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDbItemApi } from '../shared/fencing';
import { conditionalPut } from '../shared/fencing';
import type { ProbeState } from './decision';

/**
 * Each region's controller keeps its count of consecutive failed minutes in the DR state table,
 * item `id = "probe#<region>"`: `{ consecutiveFailedMinutes, lastProbeAt, lastEvidence, lastDecision }`
 * (`lastEvidence` is the JSON of the run's evidence). Only that region's controller writes it (no TTL:
 * the DR state table is MRSC, which has none).
 */
export const probeStateId = (region: string) => `probe#${region}`;

export async function readProbeState(dynamodb: DynamoDbItemApi, table: string, region: string): Promise<ProbeState | undefined> {
  const output = (await dynamodb.send(
    new GetItemCommand({ TableName: table, Key: { id: { S: probeStateId(region) } }, ConsistentRead: true }),
  )) as {
    Item?: Record<string, AttributeValue>;
  };
  if (!output.Item) return undefined;
  const count = Number(output.Item.consecutiveFailedMinutes?.N ?? 0);
  return {
    consecutiveFailedMinutes: Number.isSafeInteger(count) && count > 0 ? count : 0,
    lastProbeAt: output.Item.lastProbeAt?.S,
    lastDecision: output.Item.lastDecision?.S,
  };
}

export interface ProbeStateUpdate {
  consecutiveFailedMinutes: number;
  probeAt: Date;
  evidence: unknown;
  decision: string;
}

/**
 * Stores this run's count, conditional on the item still holding what this run read (optimistic
 * concurrency): resolves `conflict` when another invocation stored its run in between, so two
 * overlapping invocations never both count a minute or both act on it.
 */
export async function writeProbeState(
  dynamodb: DynamoDbItemApi,
  table: string,
  region: string,
  previous: ProbeState | undefined,
  update: ProbeStateUpdate,
): Promise<'written' | 'conflict'> {
  const unchanged = previous?.lastProbeAt
    ? { ConditionExpression: 'lastProbeAt = :previous', ExpressionAttributeValues: { ':previous': { S: previous.lastProbeAt } } }
    : { ConditionExpression: 'attribute_not_exists(lastProbeAt)' };
  const written = await conditionalPut(dynamodb, {
    TableName: table,
    Item: {
      id: { S: probeStateId(region) },
      consecutiveFailedMinutes: { N: String(update.consecutiveFailedMinutes) },
      lastProbeAt: { S: update.probeAt.toISOString() },
      lastEvidence: { S: JSON.stringify(update.evidence ?? null) },
      lastDecision: { S: update.decision },
    },
    ...unchanged,
  });
  return written ? 'written' : 'conflict';
}
