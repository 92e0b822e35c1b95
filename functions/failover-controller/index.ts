import type { Context } from 'aws-lambda';
import { loadControllerConfig } from './config';
import { createController } from './create-controller';

// Cold start: configuration is validated and clients are created once per execution environment.
const controller = createController(loadControllerConfig(process.env));

/** Invoked every minute by an EventBridge schedule in its own region (the event carries nothing it needs). */
export const handler = async (_event: unknown, context: Context) => {
  controller.logger.addContext(context);
  return controller.run();
};
