import { loadWebhookConfig } from '../shared/config';
import { lambdaHandler } from '../shared/lambda';
import { createWebhook } from './create-webhook';

// Cold start: configuration is validated and clients are created once per execution environment.
export const handler = lambdaHandler(createWebhook(loadWebhookConfig(process.env)));
