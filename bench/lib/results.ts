import type { DashboardResult } from '../scenarios/dashboard';
import type { FanoutResult } from '../scenarios/fanout';
import type { IngestResult } from '../scenarios/ingest';
import type { MachineInfo } from './machine';

export interface FailedScenario {
  scenario: 'failed';
  name: string;
  error: string;
}

export type ScenarioResult = FanoutResult | DashboardResult | IngestResult | FailedScenario;

/** A ratio of two figures measured in the same run; null when either side did not run. */
export interface Ratio {
  description: string;
  /** Keyed by what varies (client count, store). */
  values: Record<string, number | null>;
}

export interface BenchResults {
  machine: MachineInfo;
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  quick: boolean;
  argv: string[];
  /** Message size in bytes as published (the JSON the publisher sends). */
  messageBytes: number;
  notes: string[];
  scenarios: ScenarioResult[];
  ratios: Record<string, Ratio>;
}
