/**
 * What devices publish over MQTT: the other half of the contract. The gateway's
 * normalisers and the simulators both build on these types and topic patterns.
 * Payloads are UTF-8 JSON unless noted; a `timestamp` is ISO 8601 or epoch
 * milliseconds and defaults to the time the gateway received the message.
 */

/** Default topic routes; `{name}` is one topic level captured as a parameter. */
export const DEVICE_TOPICS = {
  sensorData: 'sensors/{sensorId}/data',
  deviceTelemetry: 'devices/{deviceId}/telemetry',
  deviceStatus: 'devices/{deviceId}/status',
  subtronics: 'SubTronics/data',
  spcSamples: 'spc/{characteristicId}/samples',
  aqiReadings: 'aqi/{location}/readings',
} as const;

export type DeviceTimestamp = string | number;

/** `sensors/{sensorId}/data`: a soil sensor. */
export interface SoilSensorMessage {
  /** Volumetric water content, 0–100 %. */
  moisture: number;
  /** Soil temperature, −40–85 °C. */
  temperature: number;
  /** Relative humidity, 0–100 %. */
  humidity: number;
  /** Illuminance, 0–200000 lux. */
  light: number;
  timestamp?: DeviceTimestamp;
}

/** `devices/{deviceId}/telemetry`: named metrics, flat. */
export type TelemetryMessage = Record<string, number | string | boolean>;

/** `devices/{deviceId}/status`: the plain text `online` or `offline` (devices set `offline` as their Last Will). */
export type StatusMessage = 'online' | 'offline';

/**
 * `SubTronics/data`: a SubTronics fixed gas detector. The detector carries its own
 * two alarm set points; they count as alert rules for that device.
 */
export interface SubTronicsMessage {
  /** The detector's serial number; it becomes the device id. */
  serial_number: string;
  /** The gas the sensor cell measures, such as CO, H2S, CH4, O2, NH3. */
  gas: string;
  /** The reading in ppm (for O2 and CH4 the vendor reports % vol / % LEL in the same field, see `unit`). */
  concentration: number;
  /** `ppm` (default), `%vol` or `%LEL`. */
  unit?: 'ppm' | '%vol' | '%LEL';
  /** The zero offset the detector already applied, in the same unit. */
  offset: number;
  /** Battery charge, 0–100 %. */
  battery: number;
  /** Radio signal strength, dBm (−120 to 0). */
  signal_strength: number;
  /** Alarm level 1 (warning) set point. */
  alarm_level_1: number;
  /** Alarm level 2 (critical) set point. */
  alarm_level_2: number;
  /** O2 alarms on a falling value; every other gas on a rising one. Default `rising`. */
  alarm_direction?: 'rising' | 'falling';
  /** Cell temperature, °C. */
  sensor_temperature?: number;
  firmware?: string;
  timestamp?: DeviceTimestamp;
}

/** `spc/{characteristicId}/samples`: one measurement, or a subgroup of 2–10. */
export type SpcSampleMessage =
  | { value: number; sampleId?: string; timestamp?: DeviceTimestamp }
  | { values: number[]; sampleId?: string; timestamp?: DeviceTimestamp };

/**
 * `aqi/{location}/readings`: concentrations in EPA's units: pm25 and pm10 µg/m³,
 * o3 (8-hour) and co ppm, so2 and no2 ppb. At least one pollutant.
 */
export interface AqiReadingMessage {
  pm25?: number;
  pm10?: number;
  o3?: number;
  co?: number;
  so2?: number;
  no2?: number;
  timestamp?: DeviceTimestamp;
}
