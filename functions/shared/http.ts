import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type HttpResponse = APIGatewayProxyStructuredResultV2 & { statusCode: number; body: string };

/** A 4xx/5xx answer before it is rendered as `{ error: { code, message } }`. */
export interface HttpError {
  statusCode: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
}

export interface Route {
  method: string;
  path: string;
}

export function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

export function errorResponse({ statusCode, code, message, headers }: HttpError): HttpResponse {
  return jsonResponse(statusCode, { error: { code, message } }, headers);
}

export const NOT_FOUND: HttpError = { statusCode: 404, code: 'not_found', message: 'no such route' };

/**
 * 404 when the path is not the route's, 405 (with Allow) when only the method differs,
 * undefined when the request is for this route. A named stage prefix (`/prod/...`) is ignored.
 */
export function routeError(event: APIGatewayProxyEventV2, route: Route): HttpError | undefined {
  const { stage, http } = event.requestContext;
  const stagePrefix = stage && stage !== '$default' ? `/${stage}` : '';
  const path = stagePrefix && event.rawPath.startsWith(`${stagePrefix}/`) ? event.rawPath.slice(stagePrefix.length) : event.rawPath;
  if (path.replace(/\/+$/, '') !== route.path) return NOT_FOUND;
  if (http.method.toUpperCase() !== route.method) {
    return { statusCode: 405, code: 'method_not_allowed', message: `use ${route.method} ${route.path}`, headers: { allow: route.method } };
  }
  return undefined;
}
