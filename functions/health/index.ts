import { loadConfig } from '../shared/config';
import { lambdaHandler } from '../shared/lambda';
import { createHealth } from './create-health';

// Cold start: configuration is validated and clients are created once per execution environment.
export const handler = lambdaHandler(createHealth(loadConfig(process.env)));
