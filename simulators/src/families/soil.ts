import { DEVICE_TOPICS, type SoilSensorMessage } from '@roomcast/shared';
import type { Family, SimDevice } from '../family';
import { clamp, dailyWave, hourOfDay, meanReverting, pad, round } from '../shapes';
import { fillTopic } from '../topics';

interface MoistureEvent {
  /** Added to the moisture while the event lasts. */
  delta: number;
  remaining: number;
}

/**
 * Soil sensors in a field: moisture wanders slowly around the sensor's own
 * level and dips in the afternoon as the soil dries; temperature and humidity
 * follow the sun (humidity opposite to temperature); light is zero at night.
 * Anomalies are what a grower's alert rules are for: a sudden moisture drop
 * (a burst pipe draining the bed, a probe losing contact) or a one-sample spike.
 */
export const soil: Family = {
  name: 'soil',
  description: 'soil sensors: moisture, temperature, humidity, light on sensors/{sensorId}/data',
  createDevice(index, random, { anomalyRate, idPrefix = '' }): SimDevice {
    const id = `${idPrefix}soil-${pad(index + 1, 3)}`;
    const topic = fillTopic(DEVICE_TOPICS.sensorData, { sensorId: id });
    const moistureLevel = random.uniform(22, 38);
    const temperatureLevel = random.uniform(17, 23);
    const humidityLevel = random.uniform(60, 72);
    const sunPeak = random.uniform(45_000, 60_000);
    const normal = () => random.normal();
    let moistureDrift = 0;
    let temperatureDrift = 0;
    let humidityDrift = 0;
    let cloud = 0;
    let event: MoistureEvent | null = null;

    return {
      id,
      next(now) {
        const hour = hourOfDay(now);
        moistureDrift = meanReverting(moistureDrift, 0.01, 0.15, normal);
        temperatureDrift = meanReverting(temperatureDrift, 0.05, 0.15, normal);
        humidityDrift = meanReverting(humidityDrift, 0.05, 0.6, normal);
        cloud = meanReverting(cloud, 0.05, 0.04, normal);

        if (event === null && random.chance(anomalyRate)) {
          event = random.chance(0.5)
            ? { delta: -random.uniform(10, 15), remaining: random.int(4, 8) }
            : { delta: random.uniform(20, 35), remaining: 1 };
        }
        // Wettest at dawn, driest at dusk.
        let moisture = clamp(moistureLevel + 4 * dailyWave(hour, 6) + moistureDrift, 15, 45);
        if (event !== null) {
          moisture += event.delta;
          event.remaining -= 1;
          if (event.remaining <= 0) event = null;
        }

        const daylight = hour > 6 && hour < 20 ? Math.sin((Math.PI * (hour - 6)) / 14) : 0;
        const message: SoilSensorMessage = {
          moisture: round(clamp(moisture, 0, 100), 1),
          temperature: round(clamp(temperatureLevel + 5 * dailyWave(hour, 15) + temperatureDrift, 12, 30), 1),
          humidity: round(clamp(humidityLevel - 15 * dailyWave(hour, 15) + humidityDrift, 40, 90), 1),
          light: Math.round(clamp(daylight * sunPeak * clamp(0.8 + cloud, 0.3, 1), 0, 60_000)),
          timestamp: now.toISOString(),
        };
        return [{ topic, payload: message }];
      },
    };
  },
};
