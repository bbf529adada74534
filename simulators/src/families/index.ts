import type { Family, FamilyName } from '../family';
import { aqi } from './aqi';
import { soil } from './soil';
import { spc } from './spc';
import { subtronics } from './subtronics';
import { telemetry } from './telemetry';

/** Every family by name, in the order `--all` starts them. */
export const FAMILIES: Readonly<Record<FamilyName, Family>> = { soil, subtronics, telemetry, spc, aqi };

export { aqi, soil, spc, subtronics, telemetry };
