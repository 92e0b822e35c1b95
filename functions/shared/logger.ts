import { Logger } from '@aws-lambda-powertools/logger';
import type { Config } from './config';
import { maskCardNumbers } from './mask';

/**
 * Structured JSON logger (Powertools) carrying region and environment on every line.
 * Every string value passes through card-number masking on its way out.
 */
export function createLogger(config: Pick<Config, 'region' | 'environmentSuffix' | 'logLevel'>, serviceName: string): Logger {
  return new Logger({
    serviceName,
    logLevel: config.logLevel,
    persistentKeys: { region: config.region, environment: config.environmentSuffix },
    jsonReplacerFn: (_key, value) => (typeof value === 'string' ? maskCardNumbers(value) : value),
  });
}
