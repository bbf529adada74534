/**
 * Every payload the gateway sends. Fields are camelCase; timestamps are
 * ISO 8601 strings in UTC (`2026-01-31T12:00:00.000Z`).
 */

export type IsoTimestamp = string;

/** The value of one named metric in a device's telemetry. */
export type MetricValue = number | string | boolean;

export interface ConnectionStatusPayload {
  status: 'connected';
  /** The socket's id, unique per connection. */
  clientId: string;
  /** Sockets connected to this gateway instance. */
  activeClients: number;
  serverTime: IsoTimestamp;
}

export interface DeviceDataPayload {
  deviceId: string;
  data: Record<string, MetricValue>;
  timestamp: IsoTimestamp;
}

export interface DeviceStatusPayload {
  deviceId: string;
  online: boolean;
  timestamp: IsoTimestamp;
}

/** `warning` is alarm level 1, `critical` alarm level 2. */
export type AlertSeverity = 'warning' | 'critical';
export type AlertState = 'active' | 'cleared';
export type Comparison = 'gt' | 'gte' | 'lt' | 'lte';

export interface Alert {
  alertId: string;
  deviceId: string;
  /** The rule that raised it, or `device:<metric>` for a device's own thresholds. */
  ruleId: string;
  metric: string;
  severity: AlertSeverity;
  state: AlertState;
  comparison: Comparison;
  /** The threshold of the current severity. */
  threshold: number;
  /** The latest value seen while the alert was active. */
  value: number;
  message: string;
  raisedAt: IsoTimestamp;
  updatedAt: IsoTimestamp;
  clearedAt: IsoTimestamp | null;
  acknowledged: boolean;
  ackUser: string | null;
  ackReason: string | null;
  ackAt: IsoTimestamp | null;
}

export interface DeviceAlertsPayload {
  deviceId: string;
  alerts: Alert[];
}

export interface SensorReadingPayload {
  sensorId: string;
  /** Volumetric water content, percent. */
  moisture: number;
  /** Degrees Celsius. */
  temperature: number;
  /** Relative humidity, percent. */
  humidity: number;
  /** Illuminance, lux. */
  light: number;
  timestamp: IsoTimestamp;
}

export const POLLUTANTS = ['pm25', 'pm10', 'o3', 'co', 'so2', 'no2'] as const;
export type Pollutant = (typeof POLLUTANTS)[number];

export const AQI_CATEGORIES = [
  'Good',
  'Moderate',
  'Unhealthy for Sensitive Groups',
  'Unhealthy',
  'Very Unhealthy',
  'Hazardous',
] as const;
export type AqiCategory = (typeof AQI_CATEGORIES)[number];

export interface PollutantIndex {
  /** The concentration as reported, in EPA's unit for the pollutant. */
  concentration: number;
  /** The pollutant's sub-index. */
  aqi: number;
}

export interface AqiUpdatePayload {
  /** The normalised (trimmed, lower-cased) location name. */
  location: string;
  aqi: {
    value: number;
    category: AqiCategory;
    /** The category's colour as a CSS hex value. */
    color: string;
    dominantPollutant: Pollutant;
  };
  pollutants: Partial<Record<Pollutant, PollutantIndex>>;
  timestamp: IsoTimestamp;
}

export type SpcZone =
  | 'zone_c_upper'
  | 'zone_c_lower'
  | 'zone_b_upper'
  | 'zone_b_lower'
  | 'zone_a_upper'
  | 'zone_a_lower'
  | 'beyond_upper'
  | 'beyond_lower';

export interface SamplePayload {
  sampleId: string;
  characteristicId: string;
  timestamp: IsoTimestamp;
  /** The individual value, or the subgroup mean on an X̄-R chart. */
  value: number;
  /** Null while the characteristic is still collecting its phase-I baseline (it has no limits yet). */
  zone: SpcZone | null;
  /** False when a Nelson rule fired at this sample; true during the baseline. */
  inControl: boolean;
}

export type ViolationSeverity = 'CRITICAL' | 'WARNING';

export interface ViolationPayload {
  violationId: string;
  characteristicId: string;
  sampleId: string;
  /** The Nelson rule, 1 to 8. */
  ruleId: number;
  ruleName: string;
  severity: ViolationSeverity;
}

/** A violation as stored, with its acknowledgement (REST answers and acknowledgement acks). */
export interface ViolationRecord extends ViolationPayload {
  timestamp: IsoTimestamp;
  acknowledged: boolean;
  ackUser: string | null;
  ackReason: string | null;
  ackAt: IsoTimestamp | null;
}

export interface AckUpdatePayload {
  kind: 'alert' | 'violation';
  id: string;
  deviceId?: string;
  characteristicId?: string;
  acknowledged: boolean;
  ackUser: string;
  ackReason: string;
  ackAt: IsoTimestamp;
}

export interface PongPayload {
  timestamp: IsoTimestamp;
}
