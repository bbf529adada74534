import { DEVICE_TOPICS } from '@roomcast/shared';
import { isNormaliserName, NORMALISER_NAMES, NORMALISERS } from './normalisers';
import type { Normaliser, NormaliserName } from './normalisers';

/**
 * Which normaliser handles which MQTT topic. A route's topic is a pattern whose
 * `{name}` levels each capture one topic level as a parameter for the normaliser.
 */
export interface Route {
  /** Such as `sensors/{sensorId}/data`. */
  topic: string;
  normaliser: NormaliserName;
}

export interface RouteMatch {
  route: Route;
  params: Readonly<Record<string, string>>;
  normaliser: Normaliser;
}

export interface RouteTable {
  readonly routes: readonly Route[];
  /** The first route whose pattern matches the topic, or null. */
  match(topic: string): RouteMatch | null;
  /** The MQTT filters to subscribe to so that every route can match. */
  subscriptionFilters(): string[];
}

/** The route table is unusable; `message` names the route and the problem. Refuses start-up. */
export class RoutesError extends Error {
  readonly code = 'ROUTES_INVALID' as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RoutesError';
  }
}

/** Deeper hierarchies are almost always a mistake, and the limit keeps matching cheap. */
export const MAX_TOPIC_LEVELS = 16;

/** Written against DEVICE_TOPICS so a topic added to the contract without a normaliser fails to compile. */
const DEFAULT_NORMALISERS = {
  sensorData: 'sensor-reading',
  deviceTelemetry: 'device-telemetry',
  deviceStatus: 'device-status',
  subtronics: 'subtronics',
  spcSamples: 'spc-sample',
  aqiReadings: 'aqi-reading',
} as const satisfies Record<keyof typeof DEVICE_TOPICS, NormaliserName>;

/** The contract's topics, each to its family's normaliser. */
export const DEFAULT_ROUTES: readonly Route[] = Object.freeze(
  (Object.keys(DEFAULT_NORMALISERS) as (keyof typeof DEVICE_TOPICS)[]).map((key) =>
    Object.freeze({ topic: DEVICE_TOPICS[key], normaliser: DEFAULT_NORMALISERS[key] }),
  ),
);

const PLACEHOLDER = /^\{([A-Za-z][A-Za-z0-9_]{0,63})\}$/;

interface CompiledRoute {
  route: Route;
  normaliser: Normaliser;
  /** Per level, the literal text, or null where a placeholder captures the level. */
  literals: readonly (string | null)[];
  captures: readonly { level: number; name: string }[];
  filter: string;
}

function describeRoute(index: number, topic: unknown): string {
  const shown = typeof topic === 'string' ? JSON.stringify(topic.length > 80 ? `${topic.slice(0, 80)}…` : topic) : '';
  return `route ${index + 1}${shown === '' ? '' : ` (${shown})`}`;
}

function compileRoute(route: Route, index: number): CompiledRoute {
  const where = describeRoute(index, route.topic);
  const fail: (problem: string) => never = (problem) => {
    throw new RoutesError(`${where}: ${problem}`);
  };
  if (typeof route.topic !== 'string' || route.topic === '') fail('topic must be a non-empty string');
  if (!isNormaliserName(route.normaliser)) {
    fail(`normaliser ${JSON.stringify(route.normaliser)} is unknown; expected one of ${NORMALISER_NAMES.join(', ')}`);
  }
  const normaliser = NORMALISERS[route.normaliser];
  const levels = route.topic.split('/');
  if (levels.length > MAX_TOPIC_LEVELS) fail(`has ${levels.length} levels; at most ${MAX_TOPIC_LEVELS} are allowed`);
  if (levels[0]?.startsWith('$')) fail('topics starting with $ are reserved for the broker');

  const literals: (string | null)[] = [];
  const captures: { level: number; name: string }[] = [];
  levels.forEach((level, i) => {
    if (level === '') fail(`level ${i + 1} is empty (look for a leading, trailing or doubled /)`);
    if (level.includes('+') || level.includes('#')) {
      fail(`level ${JSON.stringify(level)} holds an MQTT wildcard; write {name} to capture a level`);
    }
    if (level.includes('\u0000')) fail(`level ${i + 1} holds a NUL character, which MQTT forbids`);
    if (!level.includes('{') && !level.includes('}')) {
      literals.push(level);
      return;
    }
    const name = PLACEHOLDER.exec(level)?.[1];
    if (name === undefined) {
      fail(
        `level ${JSON.stringify(level)} must be literal text or a whole {name} placeholder, ` +
          'the name being a letter then up to 63 letters, digits or _',
      );
    }
    if (captures.some((c) => c.name === name)) fail(`placeholder {${name}} appears twice`);
    literals.push(null);
    captures.push({ level: i, name });
  });

  const missing = normaliser.params.filter((param) => !captures.some((c) => c.name === param));
  if (missing.length > 0) {
    fail(
      `lacks ${missing.map((p) => `{${p}}`).join(', ')}, which the ${route.normaliser} normaliser needs from the topic`,
    );
  }
  const filter = literals.map((literal) => literal ?? '+').join('/');
  return { route, normaliser, literals, captures, filter };
}

/** True when every topic `b` matches is also matched by `a` (both the same depth, no `#`). */
function covers(a: readonly (string | null)[], b: readonly (string | null)[]): boolean {
  return a.length === b.length && a.every((literal, i) => literal === null || literal === b[i]);
}

/**
 * Since the first match wins, a route preceded by a route that covers it would be
 * dead configuration; it is refused so the operator learns at start-up, not when
 * the messages go missing.
 */
function refuseUnreachable(compiled: readonly CompiledRoute[]): void {
  compiled.forEach((later, j) => {
    const earlier = compiled.slice(0, j).findIndex((c) => covers(c.literals, later.literals));
    if (earlier >= 0) {
      throw new RoutesError(
        `${describeRoute(j, later.route.topic)} can never match: ` +
          `${describeRoute(earlier, compiled[earlier]?.route.topic)} comes first and matches every topic it does`,
      );
    }
  });
}

/**
 * Overlapping subscriptions can make a broker deliver a message once per matching
 * filter, which would ingest it twice; so a filter covered by another is dropped.
 */
function minimalFilters(compiled: readonly CompiledRoute[]): string[] {
  const kept: CompiledRoute[] = [];
  compiled.forEach((candidate, i) => {
    const coveredByOther = compiled.some(
      (other, k) =>
        k !== i && covers(other.literals, candidate.literals) && (other.filter !== candidate.filter || k < i),
    );
    if (!coveredByOther) kept.push(candidate);
  });
  return kept.map((c) => c.filter);
}

/**
 * Validates and precompiles the routes. Matching a message then splits the topic
 * once and compares strings: no RegExp per message.
 *
 * @throws RoutesError for a malformed pattern, an unknown normaliser, a pattern
 * lacking a parameter its normaliser needs, or a route that can never match.
 */
export function compileRoutes(routes: readonly Route[]): RouteTable {
  if (routes.length === 0) throw new RoutesError('at least one route is required');
  const compiled = routes.map(compileRoute);
  refuseUnreachable(compiled);
  const filters = minimalFilters(compiled);

  const byDepth = new Map<number, CompiledRoute[]>();
  for (const c of compiled) {
    const group = byDepth.get(c.literals.length);
    if (group) group.push(c);
    else byDepth.set(c.literals.length, [c]);
  }

  return {
    routes: Object.freeze([...routes]),
    match(topic: string): RouteMatch | null {
      // Published topics never hold wildcards, and $-topics belong to the broker.
      if (topic === '' || topic.startsWith('$') || topic.includes('+') || topic.includes('#')) return null;
      const levels = topic.split('/');
      const candidates = byDepth.get(levels.length);
      if (candidates === undefined || levels.includes('')) return null;
      for (const c of candidates) {
        if (!c.literals.every((literal, i) => literal === null || literal === levels[i])) continue;
        const params: Record<string, string> = {};
        for (const { level, name } of c.captures) params[name] = levels[level] as string;
        return { route: c.route, params, normaliser: c.normaliser };
      }
      return null;
    },
    subscriptionFilters(): string[] {
      return [...filters];
    },
  };
}
