import path from 'node:path';
import {
  ALERT_FIELDS,
  ErrorCode,
  ROLES,
  type Alert,
  type AqiUpdatePayload,
  type DeviceDataPayload,
  type Role,
  type SensorReadingPayload,
} from '@roomcast/shared';
import { isObject, loadYamlDocument, objectAt, sorted, type JsonObject } from '../support/yaml-document';
import { mintToken, setup, type TestGateway } from '../support/gateway';

/**
 * The OpenAPI document is written by hand; these specifications tie it to a real gateway, both ways:
 * the routes Express serves are exactly the documented ones, every documented constraint and minimum
 * role is what the app enforces, and each route family answers its documented success status with a
 * body of its documented schema.
 */

const DOC_PATH = path.join(__dirname, '../../docs/openapi.yaml');
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;
const OPEN_ROUTE = 'GET /health';

// ---------------------------------------------------------------------------------------------
// The document, typed as far as these specifications read it.

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  schema: JsonObject;
}

interface Response {
  description: unknown;
  /** The `application/json` schema, if the response has a body. */
  schema: unknown;
}

interface Operation {
  /** `GET /devices/{deviceId}/alerts` */
  key: string;
  method: string;
  path: string;
  description: string;
  security: unknown;
  requiredRole: unknown;
  parameters: Parameter[];
  requestBody: unknown;
  responses: Record<string, Response>;
}

const { root, resolvePointer, deref } = loadYamlDocument(DOC_PATH);
const components = objectAt(root.components, 'components');
const schemas = objectAt(components.schemas, 'components.schemas');

function parameterAt(value: unknown, where: string): Parameter {
  const object = objectAt(deref(value), where);
  if (typeof object.name !== 'string' || typeof object.in !== 'string') {
    throw new Error(`${where} needs a name and an in`);
  }
  return {
    name: object.name,
    in: object.in,
    required: object.required === true,
    schema: objectAt(deref(object.schema), `${where}.schema`),
  };
}

function responseAt(value: unknown, where: string): Response {
  const object = objectAt(deref(value), where);
  const json = isObject(object.content) ? object.content['application/json'] : undefined;
  return { description: object.description, schema: isObject(json) ? json.schema : undefined };
}

function operationsOf(paths: JsonObject): Operation[] {
  return Object.entries(paths).flatMap(([route, value]) => {
    const item = objectAt(value, route);
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    return HTTP_METHODS.filter((method) => item[method] !== undefined).map((method): Operation => {
      const key = `${method.toUpperCase()} ${route}`;
      const operation = objectAt(item[method], key);
      const own = Array.isArray(operation.parameters) ? operation.parameters : [];
      const responses = objectAt(operation.responses, `${key}.responses`);
      return {
        key,
        method: method.toUpperCase(),
        path: route,
        description: typeof operation.description === 'string' ? operation.description : '',
        security: operation.security,
        requiredRole: operation['x-required-role'],
        parameters: [...shared, ...own].map((parameter: unknown, index) =>
          parameterAt(parameter, `${key}.parameters[${index}]`),
        ),
        requestBody: operation.requestBody,
        responses: Object.fromEntries(
          Object.entries(responses).map(([status, response]) => [status, responseAt(response, `${key} ${status}`)]),
        ),
      };
    });
  });
}

const operations = operationsOf(objectAt(root.paths, 'paths'));
const protectedOperations = operations.filter((operation) => operation.key !== OPEN_ROUTE);

function operation(key: string): Operation {
  const found = operations.find((candidate) => candidate.key === key);
  if (found === undefined) throw new Error(`${key} is not documented`);
  return found;
}

function requiredRoleOf(op: Operation): Role {
  const role = op.requiredRole;
  if (typeof role !== 'string' || !(ROLES as string[]).includes(role)) {
    throw new Error(`${op.key} has no valid x-required-role`);
  }
  return role as Role;
}

/** The one 2xx status an operation documents. */
function successStatusOf(op: Operation): number {
  const statuses = Object.keys(op.responses).filter((status) => /^2\d\d$/.test(status));
  if (statuses.length !== 1) throw new Error(`${op.key} should document exactly one success status`);
  return Number(statuses[0]);
}

function collectRefs(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const item of node) collectRefs(item, found);
  } else if (isObject(node)) {
    if (typeof node.$ref === 'string') found.push(node.$ref);
    for (const value of Object.values(node)) collectRefs(value, found);
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// A small JSON Schema check: enough of the keywords this document uses to catch drift in bodies.

function matchesType(value: unknown, type: unknown): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return Number.isInteger(value);
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    default:
      throw new Error(`unknown schema type ${String(type)}`);
  }
}

/** Where a value breaks its schema; empty when it conforms. */
function problemsOf(value: unknown, schemaNode: unknown, where = 'body'): string[] {
  const schema = objectAt(deref(schemaNode), `schema of ${where}`);
  const problems: string[] = [];
  if (Array.isArray(schema.allOf)) {
    for (const part of schema.allOf) problems.push(...problemsOf(value, part, where));
  }
  if (Array.isArray(schema.oneOf)) {
    const matching = schema.oneOf.filter((part: unknown) => problemsOf(value, part, where).length === 0).length;
    if (matching !== 1) problems.push(`${where} matches ${matching} of its oneOf alternatives, not exactly 1`);
  }
  if (schema.type !== undefined) {
    const types: unknown[] = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((type) => matchesType(value, type))) {
      return [...problems, `${where} is ${JSON.stringify(value)}, not ${types.join(' | ')}`];
    }
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    problems.push(`${where} is ${JSON.stringify(value)}, not one of ${schema.enum.join(', ')}`);
  }
  if (typeof schema.pattern === 'string' && typeof value === 'string' && !new RegExp(schema.pattern).test(value)) {
    problems.push(`${where} "${value}" does not match ${schema.pattern}`);
  }
  if (isObject(value)) {
    const properties = isObject(schema.properties) ? schema.properties : {};
    const required: unknown[] = Array.isArray(schema.required) ? schema.required : [];
    for (const field of required) {
      if (typeof field === 'string' && !(field in value)) problems.push(`${where}.${field} is missing`);
    }
    for (const [field, fieldValue] of Object.entries(value)) {
      if (field in properties) problems.push(...problemsOf(fieldValue, properties[field], `${where}.${field}`));
      else if (schema.additionalProperties === false && isObject(schema.properties)) {
        problems.push(`${where}.${field} is not documented`);
      } else if (isObject(schema.additionalProperties)) {
        problems.push(...problemsOf(fieldValue, schema.additionalProperties, `${where}.${field}`));
      }
    }
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((item: unknown, index) => problems.push(...problemsOf(item, schema.items, `${where}[${index}]`)));
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The app's routes, read from Express 5's router stack.

interface RouterLike {
  stack: unknown[];
}

/** A Router, or anything with a layer stack (Express 5's `app.router`, a mounted `Router()`). */
function isRouterLike(value: unknown): value is RouterLike {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    'stack' in value &&
    Array.isArray(value.stack)
  );
}

/** `/devices/:deviceId/alerts` → `/devices/{deviceId}/alerts`; refuses syntax it cannot translate. */
function toOpenApiPath(expressPath: string): string {
  if (/[*?()[\]{}]/.test(expressPath)) {
    throw new Error(`route ${expressPath} uses path syntax this specification cannot translate yet`);
  }
  return expressPath.replace(/:(\w+)/g, '{$1}');
}

/** `METHOD /path` for every route of a router and of the routers mounted in it. */
function routesOf(router: RouterLike, prefix = ''): string[] {
  const found: string[] = [];
  for (const layer of router.stack) {
    if (!isObject(layer)) continue;
    const route = layer.route;
    if (isObject(route)) {
      if (typeof route.path !== 'string') throw new Error('a route without a string path cannot be documented');
      const methods = objectAt(route.methods, `methods of ${route.path}`);
      for (const [method, enabled] of Object.entries(methods)) {
        if (enabled !== true) continue;
        if (method === '_all') throw new Error(`${route.path} answers every method; document it explicitly`);
        found.push(`${method.toUpperCase()} ${toOpenApiPath(prefix + route.path)}`);
      }
    } else if (isRouterLike(layer.handle)) {
      // A mounted Router: Express 5 keeps the mount path as `rawPath` ('/' when mounted at the root).
      if (typeof layer.rawPath !== 'string') throw new Error('a router mounted on a non-string path');
      found.push(...routesOf(layer.handle, prefix + (layer.rawPath === '/' ? '' : layer.rawPath)));
    }
    // Anything else is middleware without a route (cors, json, the error handler …).
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Requests against the real gateway.

let gw: TestGateway;

beforeAll(async () => {
  gw = await setup();
});
afterAll(() => gw.cleanup());

interface Answer {
  status: number;
  body: unknown;
}

interface CallOptions {
  /** `null` sends no Authorization header. */
  role: Role | null;
  rooms?: string[];
  query?: Record<string, string>;
  body?: unknown;
}

async function call(method: string, pathname: string, options: CallOptions): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.role !== null) {
    const token = mintToken({
      role: options.role,
      sub: `${options.role}-contract`,
      ...(options.rooms !== undefined ? { rooms: options.rooms } : {}),
    });
    headers.Authorization = `Bearer ${token}`;
  }
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const search = options.query === undefined ? '' : `?${new URLSearchParams(options.query).toString()}`;
  const response = await fetch(`${gw.url}${pathname}${search}`, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

/**
 * Values for path parameters: requests reach the handler and find nothing stored, except the probe
 * characteristic, which exists so that the query-parameter cases of its samples and violations get past
 * the 404 of an unknown characteristic.
 */
const PROBE_CHARACTERISTIC = 'contract-probe';
const PROBE_VALUES: Record<string, string> = {
  deviceId: 'contract-probe',
  sensorId: 'contract-probe',
  alertId: 'no-such-alert',
  id: PROBE_CHARACTERISTIC,
  violationId: 'no-such-violation',
  location: 'contract-probe',
};

beforeAll(async () => {
  await gw.gateway.spc.create(PROBE_CHARACTERISTIC, { name: 'Contract probe', chart: 'individuals' });
});

function fill(route: string, values: Record<string, string> = PROBE_VALUES): string {
  return route.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for path parameter ${name} of ${route}`);
    return encodeURIComponent(value);
  });
}

/** Answers the documented operation with a token of its minimum role. */
function callAsRequired(
  key: string,
  options: Omit<CallOptions, 'role'> & { values?: Record<string, string> } = {},
): Promise<Answer> {
  const op = operation(key);
  return call(op.method, fill(op.path, options.values), { ...options, role: requiredRoleOf(op) });
}

/** Asserts the documented success status and that the body matches the documented schema. */
function expectDocumentedSuccess(key: string, answer: Answer): void {
  const op = operation(key);
  const status = successStatusOf(op);
  expect({ operation: key, status: answer.status }).toEqual({ operation: key, status });
  expect(problemsOf(answer.body, op.responses[String(status)]?.schema)).toEqual([]);
}

/** Asserts an error status is documented for the operation and the body is the shared error body. */
function expectDocumentedError(key: string, answer: Answer, status: number, code: ErrorCode): void {
  const op = operation(key);
  expect({ operation: key, status: answer.status, code: errorCodeOf(answer.body) }).toEqual({
    operation: key,
    status,
    code,
  });
  expect(Object.keys(op.responses)).toContain(String(status));
  expect(problemsOf(answer.body, op.responses[String(status)]?.schema)).toEqual([]);
}

function errorCodeOf(body: unknown): unknown {
  return isObject(body) && isObject(body.error) ? body.error.code : undefined;
}

// ---------------------------------------------------------------------------------------------
// Query-parameter constraints, turned into requests that must pass or fail validation.

interface ConstraintCase {
  label: string;
  key: string;
  query: Record<string, string>;
  accepted: boolean;
}

function constraintCases(op: Operation): ConstraintCase[] {
  const cases: ConstraintCase[] = [];
  const add = (name: string, value: string, accepted: boolean): void => {
    const shown = value.length > 24 ? `${value.slice(0, 8)}… (${value.length} characters)` : value;
    const verdict = accepted ? 'is accepted' : 'is refused with 400';
    cases.push({ label: `${op.key} ?${name}=${shown} ${verdict}`, key: op.key, query: { [name]: value }, accepted });
  };
  const queryParameters = op.parameters.filter((parameter) => parameter.in === 'query');
  for (const { name, schema } of queryParameters) {
    if (schema.type === 'integer') {
      if (typeof schema.minimum === 'number') {
        add(name, String(schema.minimum), true);
        add(name, String(schema.minimum - 1), false);
      }
      if (typeof schema.maximum === 'number') {
        add(name, String(schema.maximum), true);
        add(name, String(schema.maximum + 1), false);
      }
      add(name, '2.5', false);
    } else if (schema.type === 'boolean') {
      add(name, 'true', true);
      add(name, 'false', true);
      add(name, 'maybe', false);
    } else if (Array.isArray(schema.enum)) {
      for (const value of schema.enum) add(name, String(value), true);
      add(name, 'bogus', false);
    } else if (schema.format === 'date-time') {
      add(name, '2026-01-31T12:00:00Z', true);
      add(name, 'yesterday', false);
    } else if (typeof schema.maxLength === 'number') {
      add(name, 'x'.repeat(schema.maxLength + 1), false);
    }
  }
  if (queryParameters.length > 0) add('undocumented', '1', false);
  return cases;
}

const CONSTRAINT_CASES = operations.filter((op) => op.method === 'GET').flatMap(constraintCases);

// ---------------------------------------------------------------------------------------------

describe('docs/openapi.yaml describes the REST API of a real gateway', () => {
  it('is an OpenAPI 3.1.0 document', () => {
    expect(root.openapi).toBe('3.1.0');
  });

  describe('routes', () => {
    const documented = sorted(operations.map((op) => op.key));
    let served: string[];

    beforeAll(() => {
      const router: unknown = gw.gateway.app.router;
      if (!isRouterLike(router)) throw new Error('Express 5 should expose app.router with a layer stack');
      served = sorted(routesOf(router));
    });

    it('finds both the routes on the app itself and those of the mounted API router', () => {
      expect(served).toContain(OPEN_ROUTE);
      expect(served).toContain('GET /me');
    });

    it('documents every route the app serves', () => {
      expect(served.filter((route) => !documented.includes(route))).toEqual([]);
    });

    it('documents no route the app does not serve', () => {
      expect(documented.filter((route) => !served.includes(route))).toEqual([]);
    });

    it('matches the app exactly: the same set of METHOD path', () => {
      expect(documented).toEqual(served);
    });
  });

  describe('parameters', () => {
    it.each(operations.map((op) => [op.key, op] as const))(
      '%s declares each of its path parameters as a required `in: path` parameter, and no other',
      (_key, op) => {
        const inPath = [...op.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '');
        const declared = op.parameters.filter((parameter) => parameter.in === 'path');
        expect(sorted(declared.map((parameter) => parameter.name))).toEqual(sorted(inPath));
        expect(declared.every((parameter) => parameter.required)).toBe(true);
      },
    );

    it.each(CONSTRAINT_CASES.map((testCase) => [testCase.label, testCase] as const))(
      '%s, as documented',
      async (_label, testCase) => {
        const answer = await callAsRequired(testCase.key, { query: testCase.query });
        if (testCase.accepted) expectDocumentedSuccess(testCase.key, answer);
        else expectDocumentedError(testCase.key, answer, 400, ErrorCode.BAD_REQUEST);
      },
    );

    it('refuses a device id outside 1-128 characters of [A-Za-z0-9._-] with 400', async () => {
      for (const deviceId of ['bad id', 'x'.repeat(129)]) {
        const key = 'GET /devices/{deviceId}/telemetry';
        const answer = await callAsRequired(key, { values: { deviceId } });
        expectDocumentedError(key, answer, 400, ErrorCode.BAD_REQUEST);
      }
    });
  });

  describe('security and roles', () => {
    it('requires a Bearer JWT globally', () => {
      expect(root.security).toEqual([{ bearerAuth: [] }]);
      expect(objectAt(components.securitySchemes, 'securitySchemes').bearerAuth).toMatchObject({
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
      });
    });

    it('marks GET /health open (`security: []`) with no required role, and overrides security nowhere else', () => {
      expect(operation(OPEN_ROUTE).security).toEqual([]);
      expect(operation(OPEN_ROUTE).requiredRole).toBeUndefined();
      expect(protectedOperations.filter((op) => op.security !== undefined).map((op) => op.key)).toEqual([]);
    });

    it.each(protectedOperations.map((op) => [op.key, op] as const))(
      '%s names its minimum role in x-required-role and in its description',
      (_key, op) => {
        const role = requiredRoleOf(op);
        expect(op.description).toContain(`Minimum role: **${role}**`);
      },
    );

    it.each(protectedOperations.map((op) => [op.key, op] as const))('%s declares 401', (_key, op) => {
      expect(Object.keys(op.responses)).toContain('401');
    });

    it.each(operations.filter((op) => op.method !== 'GET').map((op) => [op.key, op] as const))(
      '%s (not a GET) declares 400 and a JSON request body',
      (_key, op) => {
        expect(Object.keys(op.responses)).toContain('400');
        expect(objectAt(op.requestBody, `${op.key}.requestBody`)).toMatchObject({
          required: true,
          content: { 'application/json': { schema: expect.anything() } },
        });
      },
    );

    it.each(protectedOperations.map((op) => [op.key, op] as const))(
      '%s answers 401 without a token',
      async (_key, op) => {
        const answer = await call(op.method, fill(op.path), {
          role: null,
          ...(op.method !== 'GET' ? { body: {} } : {}),
        });
        expectDocumentedError(op.key, answer, 401, ErrorCode.UNAUTHORIZED);
      },
    );

    const belowRequired = protectedOperations
      // An operation without a valid role is reported by the x-required-role specification above.
      .map((op) => [op.key, op, ROLES[(ROLES as readonly unknown[]).indexOf(op.requiredRole) - 1]] as const)
      .filter((entry): entry is readonly [string, Operation, Role] => entry[2] !== undefined);

    it.each(belowRequired)('%s refuses the role just below x-required-role with 403', async (_key, op, lower) => {
      const answer = await call(op.method, fill(op.path), {
        role: lower,
        ...(op.method !== 'GET' ? { body: {} } : {}),
      });
      expectDocumentedError(op.key, answer, 403, ErrorCode.FORBIDDEN);
    });

    it.each(protectedOperations.map((op) => [op.key, op] as const))(
      '%s lets x-required-role past the role check, with a documented status',
      async (_key, op) => {
        const answer = await callAsRequired(op.key, op.method !== 'GET' ? { body: {} } : {});
        expect([401, 403]).not.toContain(answer.status);
        expect(Object.keys(op.responses)).toContain(String(answer.status));
      },
    );

    it('refuses a device outside the token’s rooms with 403', async () => {
      const key = 'GET /devices/{deviceId}/telemetry';
      const answer = await call('GET', fill(operation(key).path), { role: 'admin', rooms: ['device:elsewhere-*'] });
      expectDocumentedError(key, answer, 403, ErrorCode.FORBIDDEN);
    });
  });

  describe('schemas', () => {
    it('lists in ErrorCode exactly the codes of @roomcast/shared', () => {
      const documented = objectAt(schemas.ErrorCode, 'ErrorCode').enum;
      expect(Array.isArray(documented)).toBe(true);
      expect(sorted((Array.isArray(documented) ? documented : []).map(String))).toEqual(
        sorted(Object.values(ErrorCode)),
      );
    });

    it('answers every error status with the shared ErrorResponse body', () => {
      const stray = operations.flatMap((op) =>
        Object.entries(op.responses)
          .filter(([status]) => Number(status) >= 400)
          .filter(
            ([, response]) =>
              !isObject(response.schema) || response.schema.$ref !== '#/components/schemas/ErrorResponse',
          )
          .map(([status]) => `${op.key} ${status}`),
      );
      expect(stray).toEqual([]);
      expect(objectAt(schemas.ErrorResponse, 'ErrorResponse')).toMatchObject({
        properties: { error: { $ref: '#/components/schemas/ErrorBody' } },
        required: ['error'],
      });
      expect(objectAt(schemas.ErrorBody, 'ErrorBody')).toMatchObject({
        properties: { code: { $ref: '#/components/schemas/ErrorCode' } },
        required: ['code', 'message'],
      });
    });

    it('gives Alert exactly the fields of the Alert type', () => {
      const alert = objectAt(schemas.Alert, 'Alert');
      expect(alert.additionalProperties).toBe(false);
      expect(sorted(Object.keys(objectAt(alert.properties, 'Alert.properties')))).toEqual(sorted(ALERT_FIELDS));
    });

    it('has no $ref that points nowhere', () => {
      const broken = collectRefs(root).filter((ref) => {
        try {
          resolvePointer(ref);
          return false;
        } catch {
          return true;
        }
      });
      expect(broken).toEqual([]);
    });
  });

  describe('each route family answers its documented success status with a body of its documented schema', () => {
    const DEVICE = 'contract-boiler-1';
    const SENSOR = 'contract-soil-1';
    const AT = '2026-01-31T12:00:00.000Z';
    const earlierSample: DeviceDataPayload = {
      deviceId: DEVICE,
      data: { temperature: 48, door: 'closed', running: true },
      timestamp: '2026-01-31T11:59:00.000Z',
    };
    const deviceSample: DeviceDataPayload = {
      deviceId: DEVICE,
      data: { temperature: 55.5, door: 'open', running: true },
      timestamp: AT,
    };
    const reading: SensorReadingPayload = {
      sensorId: SENSOR,
      moisture: 31.2,
      temperature: 18.4,
      humidity: 64,
      light: 820,
      timestamp: AT,
    };
    const alert: Alert = {
      alertId: 'contract-alert-1',
      deviceId: DEVICE,
      ruleId: 'boiler-temperature',
      metric: 'temperature',
      severity: 'warning',
      state: 'active',
      comparison: 'gt',
      threshold: 50,
      value: 55.5,
      message: 'temperature 55.5 is above 50',
      raisedAt: AT,
      updatedAt: AT,
      clearedAt: null,
      acknowledged: false,
      ackUser: null,
      ackReason: null,
      ackAt: null,
    };
    const ids = { deviceId: DEVICE, sensorId: SENSOR, alertId: alert.alertId };

    beforeAll(async () => {
      const { store } = gw.gateway;
      store.enqueueTelemetry({ source: 'device', sourceId: DEVICE, timestamp: AT, payload: deviceSample });
      store.enqueueTelemetry({
        source: 'device',
        sourceId: DEVICE,
        timestamp: earlierSample.timestamp,
        payload: earlierSample,
      });
      store.enqueueTelemetry({ source: 'sensor', sourceId: SENSOR, timestamp: AT, payload: reading });
      await store.flush();
      await store.saveAlert(alert, 'raised');
      gw.gateway.ingest.handle('contract/no/such/topic', Buffer.from('{"hello":"world"}'));
    });

    it('health: GET /health, without a token', async () => {
      expectDocumentedSuccess('GET /health', await call('GET', '/health', { role: null }));
    });

    it('identity: GET /me with a viewer token', async () => {
      const answer = await callAsRequired('GET /me');
      expectDocumentedSuccess('GET /me', answer);
      expect(answer.body).toEqual({ sub: 'viewer-contract', role: 'viewer', rooms: null });
    });

    it('telemetry: the latest and the history (in the documented default order) of a device and of a sensor', async () => {
      const latest = await callAsRequired('GET /devices/{deviceId}/telemetry/latest', { values: ids });
      expectDocumentedSuccess('GET /devices/{deviceId}/telemetry/latest', latest);
      expect(latest.body).toEqual(deviceSample);

      const history = await callAsRequired('GET /devices/{deviceId}/telemetry', { values: ids });
      expectDocumentedSuccess('GET /devices/{deviceId}/telemetry', history);
      const order = operation('GET /devices/{deviceId}/telemetry').parameters.find((p) => p.name === 'order');
      const oldestFirst = [earlierSample, deviceSample];
      expect(history.body).toEqual({
        items: order?.schema.default === 'desc' ? oldestFirst.reverse() : oldestFirst,
        nextCursor: null,
      });

      const sensorLatest = await callAsRequired('GET /sensors/{sensorId}/latest', { values: ids });
      expectDocumentedSuccess('GET /sensors/{sensorId}/latest', sensorLatest);
      expect(sensorLatest.body).toEqual(reading);

      const readings = await callAsRequired('GET /sensors/{sensorId}/readings', { values: ids });
      expectDocumentedSuccess('GET /sensors/{sensorId}/readings', readings);
      expect(readings.body).toEqual({ items: [reading], nextCursor: null });
    });

    it('telemetry: a device with nothing stored yet has no latest (404)', async () => {
      const key = 'GET /devices/{deviceId}/telemetry/latest';
      expectDocumentedError(key, await callAsRequired(key), 404, ErrorCode.NOT_FOUND);
    });

    it('alerts: listed per device and overall, then acknowledged once (200) and not twice (409)', async () => {
      const perDevice = await callAsRequired('GET /devices/{deviceId}/alerts', { values: ids });
      expectDocumentedSuccess('GET /devices/{deviceId}/alerts', perDevice);
      expect(perDevice.body).toEqual({ items: [alert], nextCursor: null });

      const overall = await callAsRequired('GET /alerts');
      expectDocumentedSuccess('GET /alerts', overall);
      expect(overall.body).toMatchObject({ items: expect.arrayContaining([alert]) });

      const key = 'POST /devices/{deviceId}/alerts/{alertId}/acknowledge';
      const acknowledged = await callAsRequired(key, { values: ids, body: { reason: 'checked the boiler' } });
      expectDocumentedSuccess(key, acknowledged);
      expect(acknowledged.body).toMatchObject({
        alertId: alert.alertId,
        acknowledged: true,
        ackUser: 'operator-contract',
        ackReason: 'checked the boiler',
      });

      const again = await callAsRequired(key, { values: ids, body: { reason: 'me too' } });
      expectDocumentedError(key, again, 409, ErrorCode.CONFLICT);

      const elsewhere = await callAsRequired(key, {
        values: { ...ids, deviceId: 'contract-other' },
        body: { reason: 'x' },
      });
      expectDocumentedError(key, elsewhere, 404, ErrorCode.NOT_FOUND);
    });

    it('alert-rules: read and replaced with an admin token', async () => {
      const read = await callAsRequired('GET /alert-rules');
      expectDocumentedSuccess('GET /alert-rules', read);

      const rules = {
        rules: [
          {
            id: 'boiler-temperature',
            devices: 'contract-*',
            metric: 'temperature',
            comparison: 'gt',
            alarm_level_1: 50,
            alarm_level_2: 80,
          },
        ],
      };
      const replaced = await callAsRequired('PUT /alert-rules', { body: rules });
      expectDocumentedSuccess('PUT /alert-rules', replaced);
      expect(replaced.body).toMatchObject({
        rules: [{ ...rules.rules[0], deadband: 0, duration_ms: 0, enabled: true }],
        source: 'api',
        updatedBy: 'admin-contract',
      });

      const invalid = await callAsRequired('PUT /alert-rules', {
        body: { rules: [{ ...rules.rules[0], alarm_level_2: 10 }] },
      });
      expectDocumentedError('PUT /alert-rules', invalid, 400, ErrorCode.BAD_REQUEST);
    });

    it('spc: a characteristic created, charted through its baseline into a violation, acknowledged and replaced', async () => {
      const CHARACTERISTIC = 'contract-fill-weight';
      const values = { id: CHARACTERISTIC };
      const input = { name: 'Fill weight', unit: 'g', chart: 'individuals', limits: { baseline: 4 } };

      const create = 'POST /characteristics/{id}';
      const created = await callAsRequired(create, { values, body: input });
      expectDocumentedSuccess(create, created);
      expect(created.body).toEqual({
        id: CHARACTERISTIC,
        definition: {
          ...input,
          subgroupSize: 1,
          limits: { kind: 'baseline', samples: 4 },
          rules: [1, 2, 3, 4, 5, 6, 7, 8],
          severities: {},
          autoCreated: false,
        },
        phase: 'baseline',
        limits: null,
        baseline: { collected: 0, needed: 4 },
      });
      expectDocumentedError(create, await callAsRequired(create, { values, body: input }), 409, ErrorCode.CONFLICT);
      const invalid = await callAsRequired(create, {
        values: { id: 'contract-invalid' },
        body: { ...input, subgroupSize: 3 },
      });
      expectDocumentedError(create, invalid, 400, ErrorCode.BAD_REQUEST);

      const limits = 'GET /characteristics/{id}/limits';
      expectDocumentedError(limits, await callAsRequired(limits, { values }), 409, ErrorCode.CONFLICT);

      // Baseline 10, 12, 11, 13: centre 11.5, MR̄ 5/3, UCL 11.5 + 3 · (5/3) / 1.128 ≈ 15.93; 20 lies beyond it.
      for (const [index, value] of [10, 12, 11, 13, 20].entries()) {
        await gw.gateway.spc.accept({
          characteristicId: CHARACTERISTIC,
          values: [value],
          sampleId: `contract-fw-${index}`,
          timestamp: `2026-01-31T12:00:0${index}.000Z`,
        });
      }
      await gw.gateway.spc.drain();

      const computed = await callAsRequired(limits, { values });
      expectDocumentedSuccess(limits, computed);
      expect(computed.body).toMatchObject({ chart: 'individuals', n: 1, centre: 11.5 });

      const one = await callAsRequired('GET /characteristics/{id}', { values });
      expectDocumentedSuccess('GET /characteristics/{id}', one);
      expect(one.body).toMatchObject({ id: CHARACTERISTIC, phase: 'monitoring', baseline: null });

      const all = await callAsRequired('GET /characteristics');
      expectDocumentedSuccess('GET /characteristics', all);
      expect(all.body).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ id: CHARACTERISTIC }),
          expect.objectContaining({ id: PROBE_CHARACTERISTIC }),
        ]),
      );

      const samples = await callAsRequired('GET /characteristics/{id}/samples', { values });
      expectDocumentedSuccess('GET /characteristics/{id}/samples', samples);
      const items = (samples.body as { items: { value: number; zone: string | null; inControl: boolean }[] }).items;
      expect(items.map(({ value, zone, inControl }) => [value, zone, inControl])).toEqual([
        [10, null, true],
        [12, null, true],
        [11, null, true],
        [13, null, true],
        [20, 'beyond_upper', false],
      ]);

      const listViolations = 'GET /characteristics/{id}/violations';
      const open = await callAsRequired(listViolations, { values, query: { acknowledged: 'false' } });
      expectDocumentedSuccess(listViolations, open);
      expect(open.body).toEqual({
        items: [
          expect.objectContaining({
            characteristicId: CHARACTERISTIC,
            sampleId: 'contract-fw-4',
            ruleId: 1,
            ruleName: 'One point beyond 3 sigma',
            severity: 'CRITICAL',
            acknowledged: false,
          }),
        ],
      });
      const { violationId } = (open.body as { items: [{ violationId: string }] }).items[0];

      const acknowledge = 'POST /violations/{violationId}/acknowledge';
      const acknowledged = await callAsRequired(acknowledge, {
        values: { violationId },
        body: { reason: 'scale recalibrated' },
      });
      expectDocumentedSuccess(acknowledge, acknowledged);
      expect(acknowledged.body).toMatchObject({
        violationId,
        acknowledged: true,
        ackUser: 'operator-contract',
        ackReason: 'scale recalibrated',
      });
      const again = await callAsRequired(acknowledge, { values: { violationId }, body: { reason: 'me too' } });
      expectDocumentedError(acknowledge, again, 409, ErrorCode.CONFLICT);
      const unknown = await callAsRequired(acknowledge, { body: { reason: 'x' } });
      expectDocumentedError(acknowledge, unknown, 404, ErrorCode.NOT_FOUND);

      const replace = 'PUT /characteristics/{id}';
      const fixed = {
        name: 'Fill weight',
        chart: 'individuals',
        limits: { centre: 12, ucl: 16, lcl: 8 },
        rules: [2, 1],
      };
      const replaced = await callAsRequired(replace, { values, body: { ...fixed, severities: { '2': 'CRITICAL' } } });
      expectDocumentedSuccess(replace, replaced);
      expect(replaced.body).toMatchObject({
        phase: 'monitoring',
        limits: { chart: 'individuals', n: 1, centre: 12, ucl: 16, lcl: 8 },
        baseline: null,
        definition: { limits: { kind: 'fixed', centre: 12, ucl: 16, lcl: 8 }, rules: [1, 2], autoCreated: false },
      });
      const missing = await callAsRequired(replace, { values: { id: 'contract-missing' }, body: fixed });
      expectDocumentedError(replace, missing, 404, ErrorCode.NOT_FOUND);
    });

    it('aqi: readings become the latest AQI of their location, listed and kept newest first', async () => {
      const LOCATION = 'contract-city';
      const earlier: AqiUpdatePayload = {
        location: LOCATION,
        aqi: { value: 50, category: 'Good', color: '#00E400', dominantPollutant: 'pm25' },
        pollutants: { pm25: { concentration: 9, aqi: 50 } },
        timestamp: '2026-01-31T11:00:00.000Z',
      };
      // PM2.5 35.5 µg/m³ opens the 101–150 band; O3 0.036 ppm is 50 · 36/54 = 33.3, rounded to 33.
      const latest: AqiUpdatePayload = {
        location: LOCATION,
        aqi: { value: 101, category: 'Unhealthy for Sensitive Groups', color: '#FF7E00', dominantPollutant: 'pm25' },
        pollutants: { pm25: { concentration: 35.5, aqi: 101 }, o3: { concentration: 0.036, aqi: 33 } },
        timestamp: AT,
      };
      for (const update of [earlier, latest]) {
        const concentrations = Object.fromEntries(
          Object.entries(update.pollutants).map(([pollutant, index]) => [pollutant, index.concentration]),
        );
        await gw.gateway.aqi.accept({ location: LOCATION, concentrations, timestamp: update.timestamp });
      }
      await gw.gateway.aqi.drain();

      const locations = await callAsRequired('GET /locations');
      expectDocumentedSuccess('GET /locations', locations);
      expect(locations.body).toEqual([{ location: LOCATION, aqi: latest.aqi, timestamp: AT }]);

      const key = 'GET /locations/{location}/aqi';
      const current = await callAsRequired(key, { values: { location: 'Contract-City' } });
      expectDocumentedSuccess(key, current);
      expect(current.body).toEqual(latest);
      expectDocumentedError(key, await callAsRequired(key), 404, ErrorCode.NOT_FOUND);

      const history = await callAsRequired('GET /locations/{location}/aqi/history', {
        values: { location: LOCATION },
      });
      expectDocumentedSuccess('GET /locations/{location}/aqi/history', history);
      expect(history.body).toEqual({ items: [latest, earlier] });
    });

    it('ingest: GET /ingest/dead-letters with an admin token', async () => {
      const answer = await callAsRequired('GET /ingest/dead-letters');
      expectDocumentedSuccess('GET /ingest/dead-letters', answer);
      expect(answer.body).toMatchObject({
        total: 1,
        items: [{ topic: 'contract/no/such/topic', reason: 'unknown_topic' }],
      });
    });
  });
});
