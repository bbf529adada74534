import { DEVICE_TOPICS, type SubTronicsMessage } from '@roomcast/shared';
import type { Family, SimDevice } from '../family';
import { clamp, cycle, meanReverting, pad, round } from '../shapes';
import { statusMessage } from './status';

/** What a detector's sensor cell measures, and the set points it ships with. */
export interface GasCell {
  gas: string;
  unit: NonNullable<SubTronicsMessage['unit']>;
  /** The clean-air reading lies uniformly in this range. */
  normal: readonly [number, number];
  alarmLevel1: number;
  alarmLevel2: number;
  direction: NonNullable<SubTronicsMessage['alarm_direction']>;
  decimals: number;
}

/** Detectors cycle through these cells: device 1 is CO, device 2 H2S, and so on. */
export const GAS_CELLS: readonly GasCell[] = [
  { gas: 'CO', unit: 'ppm', normal: [0, 20], alarmLevel1: 35, alarmLevel2: 100, direction: 'rising', decimals: 1 },
  { gas: 'H2S', unit: 'ppm', normal: [0, 2], alarmLevel1: 10, alarmLevel2: 15, direction: 'rising', decimals: 2 },
  { gas: 'CH4', unit: '%LEL', normal: [0, 5], alarmLevel1: 10, alarmLevel2: 20, direction: 'rising', decimals: 1 },
  {
    gas: 'O2',
    unit: '%vol',
    normal: [20.6, 21.0],
    alarmLevel1: 19.5,
    alarmLevel2: 18.0,
    direction: 'falling',
    decimals: 2,
  },
];

/**
 * A leak, as positions on the alarm scale: 0 is the clean-air level, 1 is
 * alarm level 1, 2 is alarm level 2. It crosses level 1, stays between the
 * levels, crosses level 2 for three samples, and falls back below level 1 and
 * to clean air, so a gateway's alerts are raised, escalate and clear. The
 * margins from 1 and 2 are wide enough that the 1 % noise never blurs a crossing.
 */
export const LEAK_PROFILE: readonly number[] = [0.4, 0.8, 1.2, 1.4, 1.7, 2.2, 2.4, 2.3, 1.6, 0.8, 0.4, 0.1];

/** Maps an alarm-scale position to a reading: linear from clean air to level 1, then from level 1 to level 2. */
function leakReading(position: number, clean: number, cell: GasCell): number {
  if (position <= 1) return clean + position * (cell.alarmLevel1 - clean);
  return cell.alarmLevel1 + (position - 1) * (cell.alarmLevel2 - cell.alarmLevel1);
}

/**
 * SubTronics fixed gas detectors. All of them publish to the one topic
 * `SubTronics/data`; the serial number in the payload tells them apart.
 */
export const subtronics: Family = {
  name: 'subtronics',
  description: 'SubTronics gas detectors (CO, H2S, CH4, O2) with leaks on SubTronics/data',
  createDevice(index, random, { anomalyRate, idPrefix = '' }): SimDevice {
    const id = `${idPrefix}ST-4021-${pad(index + 1, 4)}`;
    const cell = cycle(GAS_CELLS, index);
    const [low, high] = cell.normal;
    const span = high - low;
    // Clean air sits in the middle of the normal range; the noise keeps it inside.
    const clean = low + span * random.uniform(0.25, 0.6);
    const offset = round(random.normal(0, span * 0.01), cell.decimals);
    const signalLevel = random.uniform(-85, -65);
    const normal = () => random.normal();
    let battery = random.uniform(60, 100);
    let signalDrift = 0;
    let temperatureDrift = 0;
    let leakStep: number | null = null;

    return {
      id,
      next(now) {
        if (leakStep === null && random.chance(anomalyRate)) leakStep = 0;
        let concentration: number;
        if (leakStep !== null) {
          const position = (LEAK_PROFILE[leakStep] ?? 0) * (1 + random.normal(0, 0.01));
          concentration = leakReading(position, clean, cell);
          leakStep += 1;
          if (leakStep >= LEAK_PROFILE.length) leakStep = null;
        } else {
          concentration = clamp(clean + random.normal(0, span * 0.08), low, high);
        }
        battery = Math.max(0, battery - random.uniform(0.001, 0.003));
        signalDrift = meanReverting(signalDrift, 0.05, 1.5, normal);
        temperatureDrift = meanReverting(temperatureDrift, 0.02, 0.2, normal);

        const message: SubTronicsMessage = {
          serial_number: id,
          gas: cell.gas,
          concentration: round(Math.max(0, concentration), cell.decimals),
          unit: cell.unit,
          offset,
          battery: round(battery, 1),
          signal_strength: Math.round(clamp(signalLevel + signalDrift, -95, -55)),
          alarm_level_1: cell.alarmLevel1,
          alarm_level_2: cell.alarmLevel2,
          alarm_direction: cell.direction,
          sensor_temperature: round(clamp(24 + temperatureDrift * 5, 10, 40), 1),
          firmware: '3.2.1',
          timestamp: now.toISOString(),
        };
        return [{ topic: DEVICE_TOPICS.subtronics, payload: message }];
      },
    };
  },
  birth: (id) => statusMessage(id, 'online'),
  lastWill: (id) => statusMessage(id, 'offline'),
};
