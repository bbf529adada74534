import { DEVICE_TOPICS, type TelemetryMessage } from '@roomcast/shared';
import type { Family, SimDevice } from '../family';
import { clamp, meanReverting, pad, round } from '../shapes';
import { fillTopic } from '../topics';
import { statusMessage } from './status';

/**
 * Overheating, as a fraction of the extra heat at its worst: it builds over
 * six samples, holds, and cools off, so a temperature alert rises and clears.
 */
export const OVERHEAT_PROFILE: readonly number[] = [0.15, 0.3, 0.5, 0.7, 0.85, 1, 1, 1, 1, 0.8, 0.6, 0.4, 0.2, 0.1];
/** The extra heat at the worst of an overheating, °C: enough to push a motor from ~55 °C past 85 °C. */
const OVERHEAT_DEGREES = 35;

/**
 * Electric motors with a controller: a flat set of named metrics. A motor
 * warms towards its running temperature when started and cools when stopped
 * (first-order lag), vibrates and turns only while running, is stopped and
 * restarted now and then, and is occasionally switched to manual.
 */
export const telemetry: Family = {
  name: 'telemetry',
  description: 'motors: temperature, humidity, pressure, vibration, rpm, running, mode on devices/{deviceId}/telemetry',
  createDevice(index, random, { anomalyRate, idPrefix = '' }): SimDevice {
    const id = `${idPrefix}dev-${pad(index + 1, 4)}`;
    const topic = fillTopic(DEVICE_TOPICS.deviceTelemetry, { deviceId: id });
    const ambient = random.uniform(20, 27);
    const runningRise = random.uniform(28, 36);
    const nominalRpm = random.uniform(1450, 1490);
    const baseVibration = random.uniform(1.2, 2.8);
    const humidityLevel = random.uniform(35, 55);
    const normal = () => random.normal();
    let running = random.chance(0.9);
    let mode: 'auto' | 'manual' = random.chance(0.9) ? 'auto' : 'manual';
    let temperature = running ? ambient + runningRise : ambient;
    let pressureDrift = random.normal(0, 5);
    let humidityDrift = 0;
    let overheatStep: number | null = null;

    return {
      id,
      next(now) {
        if (overheatStep === null && random.chance(anomalyRate)) {
          overheatStep = 0;
          // A motor overheats under load: it is running while it does.
          running = true;
        } else if (overheatStep === null) {
          if (running ? random.chance(0.002) : random.chance(0.05)) running = !running;
        }
        if (random.chance(0.001)) mode = mode === 'auto' ? 'manual' : 'auto';

        let extraHeat = 0;
        if (overheatStep !== null) {
          extraHeat = OVERHEAT_DEGREES * (OVERHEAT_PROFILE[overheatStep] ?? 0);
          overheatStep += 1;
          if (overheatStep >= OVERHEAT_PROFILE.length) overheatStep = null;
        }
        const target = (running ? ambient + runningRise : ambient) + extraHeat;
        // During an overheating the temperature follows the profile closely; otherwise it lags by ~10 samples.
        temperature += (target - temperature) * (extraHeat > 0 ? 0.8 : 0.1) + random.normal(0, 0.2);
        pressureDrift = meanReverting(pressureDrift, 0.01, 0.3, normal);
        humidityDrift = meanReverting(humidityDrift, 0.05, 0.5, normal);
        const vibration = running ? baseVibration * (1 + extraHeat / OVERHEAT_DEGREES) + random.normal(0, 0.15) : 0.05;

        // `timestamp` is the one key of this flat map that the gateway does not take for a metric.
        const message: TelemetryMessage = {
          temperature: round(clamp(temperature, -20, 120), 1),
          humidity: round(clamp(humidityLevel + humidityDrift, 30, 60), 1),
          pressure: round(clamp(1013 + pressureDrift, 980, 1045), 1),
          vibration: round(clamp(vibration, 0, 20), 2),
          rpm: running ? Math.round(nominalRpm - extraHeat + random.normal(0, 4)) : 0,
          running,
          mode,
          timestamp: now.toISOString(),
        };
        return [{ topic, payload: message }];
      },
    };
  },
  birth: (id) => statusMessage(id, 'online'),
  lastWill: (id) => statusMessage(id, 'offline'),
};
