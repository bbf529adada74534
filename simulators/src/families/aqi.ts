import { DEVICE_TOPICS, type AqiReadingMessage } from '@roomcast/shared';
import type { Family, SimDevice } from '../family';
import { bump, clamp, cycle, hourOfDay, meanReverting, round } from '../shapes';
import { fillTopic } from '../topics';

type Concentrations = Required<Omit<AqiReadingMessage, 'timestamp'>>;

export interface AqiCity {
  id: string;
  /** Standard time offset from UTC, hours: the traffic peaks follow the city's own clock (DST ignored). */
  utcOffset: number;
  /** Typical daily-mean concentrations, EPA units: pm25/pm10 µg/m³, o3/co ppm, so2/no2 ppb. */
  baseline: Concentrations;
}

/** Device n is station n; past the end of the list the ids get a suffix (`delhi-2`), one series per location. */
export const AQI_CITIES: readonly AqiCity[] = [
  { id: 'delhi', utcOffset: 5.5, baseline: { pm25: 110, pm10: 200, o3: 0.035, co: 1.8, so2: 12, no2: 45 } },
  { id: 'mumbai', utcOffset: 5.5, baseline: { pm25: 45, pm10: 95, o3: 0.03, co: 1.0, so2: 8, no2: 30 } },
  { id: 'london', utcOffset: 0, baseline: { pm25: 10, pm10: 18, o3: 0.03, co: 0.3, so2: 1.5, no2: 20 } },
  { id: 'los-angeles', utcOffset: -8, baseline: { pm25: 12, pm10: 30, o3: 0.055, co: 0.5, so2: 1.5, no2: 25 } },
  { id: 'beijing', utcOffset: 8, baseline: { pm25: 45, pm10: 80, o3: 0.045, co: 0.9, so2: 5, no2: 35 } },
  { id: 'sydney', utcOffset: 10, baseline: { pm25: 7, pm10: 17, o3: 0.025, co: 0.2, so2: 1, no2: 10 } },
  { id: 'mexico-city', utcOffset: -6, baseline: { pm25: 22, pm10: 45, o3: 0.05, co: 0.9, so2: 4, no2: 28 } },
  { id: 'cairo', utcOffset: 2, baseline: { pm25: 65, pm10: 150, o3: 0.04, co: 1.4, so2: 10, no2: 40 } },
  { id: 'sao-paulo', utcOffset: -3, baseline: { pm25: 16, pm10: 30, o3: 0.04, co: 0.6, so2: 2, no2: 30 } },
  { id: 'paris', utcOffset: 1, baseline: { pm25: 12, pm10: 20, o3: 0.03, co: 0.3, so2: 1.5, no2: 22 } },
];

/** The most a station reports: the top of EPA's breakpoint tables (o3 of the 8-hour table). */
const CEILING: Concentrations = { pm25: 500.4, pm10: 604, o3: 0.2, co: 50.4, so2: 1004, no2: 2049 };
const DECIMALS: Concentrations = { pm25: 1, pm10: 0, o3: 3, co: 1, so2: 1, no2: 1 };
const POLLUTANTS = Object.keys(CEILING) as (keyof Concentrations)[];
/** What an episode (stagnant air, crop burning, a dust storm) multiplies; ozone forms from sunlight, not from it. */
const EPISODE_POLLUTANTS: ReadonlySet<keyof Concentrations> = new Set(['pm25', 'pm10', 'co', 'no2', 'so2']);

/** A pollution episode as a fraction of its peak: builds over six samples, holds ten, fades over eight. */
export const EPISODE_PROFILE: readonly number[] = [
  0.15, 0.3, 0.5, 0.7, 0.85, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.85, 0.7, 0.55, 0.4, 0.3, 0.2, 0.1, 0.05,
];

/** The daily shape of each pollutant, around 1. */
function dailyFactor(pollutant: keyof Concentrations, hour: number): number {
  switch (pollutant) {
    case 'o3':
      // Photochemical: peaks in the afternoon sun, lowest at night.
      return 0.45 + 0.9 * bump(hour, 15, 3);
    case 'so2':
      // Industrial: a gentle daytime rise.
      return 0.9 + 0.2 * bump(hour, 12, 4);
    default:
      // Traffic: morning and evening rush hours.
      return 0.75 + 0.45 * bump(hour, 8.5, 1.5) + 0.55 * bump(hour, 19, 2);
  }
}

/**
 * Air-quality stations: one per city, reporting the six EPA pollutants
 * around the city's own level with rush-hour peaks in its local time, weather
 * drift, and now and then a pollution episode.
 */
export const aqi: Family = {
  name: 'aqi',
  description: 'air-quality stations (pm25, pm10, o3, co, so2, no2) in world cities on aqi/{location}/readings',
  createDevice(index, random, { anomalyRate, idPrefix = '' }): SimDevice {
    const city = cycle(AQI_CITIES, index);
    const lap = Math.floor(index / AQI_CITIES.length);
    const id = `${idPrefix}${city.id}${lap === 0 ? '' : `-${lap + 1}`}`;
    const topic = fillTopic(DEVICE_TOPICS.aqiReadings, { location: id });
    const normal = () => random.normal();
    // Weather moves every pollutant at its own pace: a log-scale drift per pollutant.
    const drift: Concentrations = { pm25: 0, pm10: 0, o3: 0, co: 0, so2: 0, no2: 0 };
    let episode: { step: number; peak: number } | null = null;

    return {
      id,
      next(now) {
        const hour = hourOfDay(now, city.utcOffset);
        if (episode === null && random.chance(anomalyRate)) episode = { step: 0, peak: random.uniform(2.5, 4) };
        const episodeFactor = episode === null ? 1 : 1 + (episode.peak - 1) * (EPISODE_PROFILE[episode.step] ?? 0);
        if (episode !== null) {
          episode.step += 1;
          if (episode.step >= EPISODE_PROFILE.length) episode = null;
        }

        const reading: Concentrations = { ...city.baseline };
        for (const pollutant of POLLUTANTS) {
          drift[pollutant] = meanReverting(drift[pollutant], 0.05, 0.05, normal);
          const boost = EPISODE_POLLUTANTS.has(pollutant) ? episodeFactor : 1;
          const value =
            city.baseline[pollutant] *
            dailyFactor(pollutant, hour) *
            Math.exp(drift[pollutant]) *
            (1 + random.normal(0, 0.03)) *
            boost;
          reading[pollutant] = round(clamp(value, 0, CEILING[pollutant]), DECIMALS[pollutant]);
        }
        const message: AqiReadingMessage = { ...reading, timestamp: now.toISOString() };
        return [{ topic, payload: message }];
      },
    };
  },
};
