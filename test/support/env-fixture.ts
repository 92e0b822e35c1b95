import { ENVIRONMENTS } from '../../charts/config/environments';
import type { EnvironmentConfig } from '../../charts/config/types';

/** A deep copy of the default environment with `changes` applied at dotted paths (for negative tests). */
export function devWith(changes: Record<string, unknown> = {}): EnvironmentConfig {
  const env = structuredClone(ENVIRONMENTS[0]) as unknown as Record<string, unknown>;
  for (const [dotted, value] of Object.entries(changes)) {
    const keys = dotted.split('.');
    const parent = keys.slice(0, -1).reduce<Record<string, unknown>>((node, key) => node[key] as Record<string, unknown>, env);
    parent[keys[keys.length - 1]] = value;
  }
  return env as unknown as EnvironmentConfig;
}
