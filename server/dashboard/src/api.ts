import {
  ErrorCode,
  isErrorCode,
  RoomcastError,
  type Alert,
  type AqiUpdatePayload,
  type AuthUser,
  type RoomKind,
  type RoomName,
  type SpcZone,
  type ViolationRecord,
} from '@roomcast/shared';

/**
 * The REST answers the dashboard reads, as docs/openapi.yaml describes them. Only the fields used here
 * are declared; the server's own types live in the server package, which the browser cannot import.
 */
export interface AlertPage {
  items: Alert[];
  nextCursor: string | null;
}

export interface ControlLimits {
  chart: 'individuals' | 'xbar-r';
  n: number;
  centre: number;
  ucl: number;
  lcl: number;
}

export interface CharacteristicView {
  id: string;
  definition: { name: string; unit: string; chart: 'individuals' | 'xbar-r'; subgroupSize: number };
  phase: 'baseline' | 'monitoring';
  limits: ControlLimits | null;
  baseline: { collected: number; needed: number } | null;
}

export interface StoredSample {
  sampleId: string;
  characteristicId: string;
  timestamp: string;
  value: number;
  zone: SpcZone | null;
  inControl: boolean;
}

export interface LocationSummary {
  location: string;
  aqi: AqiUpdatePayload['aqi'];
  timestamp: string;
}

export interface AlertQuery {
  status?: 'active' | 'cleared' | 'all';
  acknowledged?: boolean;
  limit?: number;
}

/** A room the gateway has seen an event in (GET /rooms). */
export interface KnownRoom {
  room: RoomName;
  kind: RoomKind;
  id: string;
  events: string[];
}

export interface Api {
  me(): Promise<AuthUser>;
  rooms(): Promise<KnownRoom[]>;
  alerts(query: AlertQuery): Promise<AlertPage>;
  characteristics(): Promise<CharacteristicView[]>;
  characteristic(id: string): Promise<CharacteristicView>;
  samples(id: string, limit: number): Promise<StoredSample[]>;
  violations(id: string, limit: number): Promise<ViolationRecord[]>;
  locations(): Promise<LocationSummary[]>;
}

function errorOf(status: number, body: unknown): RoomcastError {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (error !== undefined && isErrorCode(error.code) && typeof error.message === 'string') {
    return new RoomcastError(error.code, error.message);
  }
  const code = status === 401 ? ErrorCode.UNAUTHORIZED : status === 403 ? ErrorCode.FORBIDDEN : ErrorCode.INTERNAL;
  return new RoomcastError(code, `the gateway answered HTTP ${status}`);
}

/** REST calls to the gateway that served the page, with the token as a Bearer header. */
export function createApi(token: string, base: string = window.location.origin): Api {
  async function get<T>(path: string): Promise<T> {
    let response: Response;
    try {
      response = await fetch(new URL(path, base), {
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
        cache: 'no-store',
      });
    } catch (error) {
      throw new RoomcastError(ErrorCode.UNAVAILABLE, 'the gateway cannot be reached', { cause: error });
    }
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) throw errorOf(response.status, body);
    return body as T;
  }

  const id = encodeURIComponent;
  return {
    me: () => get<AuthUser>('/me'),
    rooms: () => get<KnownRoom[]>('/rooms'),
    alerts: (query) => {
      const params = new URLSearchParams();
      if (query.status !== undefined) params.set('status', query.status);
      if (query.acknowledged !== undefined) params.set('acknowledged', String(query.acknowledged));
      params.set('limit', String(query.limit ?? 100));
      return get<AlertPage>(`/alerts?${params.toString()}`);
    },
    characteristics: () => get<CharacteristicView[]>('/characteristics'),
    characteristic: (characteristicId) => get<CharacteristicView>(`/characteristics/${id(characteristicId)}`),
    samples: async (characteristicId, limit) =>
      (await get<{ items: StoredSample[] }>(`/characteristics/${id(characteristicId)}/samples?limit=${limit}`)).items,
    violations: async (characteristicId, limit) =>
      (await get<{ items: ViolationRecord[] }>(`/characteristics/${id(characteristicId)}/violations?limit=${limit}`))
        .items,
    locations: () => get<LocationSummary[]>('/locations'),
  };
}
