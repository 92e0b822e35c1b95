import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { HttpResponse } from './http';

/** The part of the Lambda context the functions use: how long this invocation may still run. */
export interface InvocationClock {
  getRemainingTimeInMillis(): number;
}

/** A function's logic with its clients, created once per execution environment. */
export interface HttpFunction {
  handle(request: APIGatewayProxyEventV2, invocation: InvocationClock): Promise<HttpResponse>;
  logger: Logger;
  close(): Promise<void>;
}

/** The thin Lambda entry point around an HttpFunction (Powertools adds the context to every log line). */
export function lambdaHandler(fn: HttpFunction): (event: APIGatewayProxyEventV2, context: Context) => Promise<HttpResponse> {
  return async (event, context) => {
    fn.logger.addContext(context);
    return fn.handle(event, context);
  };
}
