import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { acknowledgedFields } from '../broadcast/ack-update';
import {
  characteristicRoom,
  ErrorCode,
  RoomcastError,
  retryDelay,
  type AuthUser,
  type RetryWindow,
  type SamplePayload,
  type ViolationRecord,
} from '@roomcast/shared';
import { canAccessRoom } from '../auth/room-access';
import type { Broadcaster } from '../broadcast/broadcaster';
import type { SpcSampleInput } from '../ingest/normalisers/types';
import type { Logger } from '../logging/logger';
import type { StoredSample } from '../store/engine-records';
import type { Store } from '../store/store';
import { isTransientStoreError } from '../store/transient-error';
import {
  autoCharacteristic,
  parseCharacteristic,
  type CharacteristicDefinition,
  type CharacteristicSeed,
} from './characteristic';
import type { ControlLimits } from './limits';
import {
  addSample,
  createCharacteristicState,
  restoreState,
  type CharacteristicConfig,
  type CharacteristicState,
} from './spc-engine';
import { MAX_RULE_WINDOW } from './nelson-rules';

/**
 * What the store keeps per characteristic: its definition, the baseline samples collected so
 * far (so a restart resumes the baseline of the current definition, never samples charted under
 * an earlier one), and once the baseline completed, the limits it set.
 */
interface StoredDefinition extends CharacteristicDefinition {
  baselineValues?: number[][];
  computedLimits?: ControlLimits;
}

interface Characteristic {
  id: string;
  definition: StoredDefinition;
  state: CharacteristicState;
}

export interface CharacteristicView {
  id: string;
  definition: CharacteristicDefinition;
  phase: 'baseline' | 'monitoring';
  limits: ControlLimits | null;
  /** During the baseline: samples collected so far, and how many it needs. */
  baseline: { collected: number; needed: number } | null;
}

export interface SpcServiceOptions {
  store: Store;
  broadcaster: Broadcaster;
  logger: Logger;
  /** Baseline length of characteristics created for samples of an unknown id. */
  baselineSamples: number;
  /** Samples held, in order, while the store cannot take them; beyond it a new sample is dropped and counted. */
  maxPending: number;
  /** How soon and how late a waiting sample is tried again, ms. */
  retry: RetryWindow;
}

/** What stays the same across the attempts to chart one sample, so a retry writes what the first attempt would have. */
interface SampleIds {
  sample: string;
  violations: string[];
}

function engineConfig(definition: StoredDefinition): CharacteristicConfig {
  return {
    chart: definition.chart,
    subgroupSize: definition.subgroupSize,
    limits:
      definition.limits.kind === 'fixed' ? definition.limits : { kind: 'baseline', samples: definition.limits.samples },
    rules: definition.rules,
    severities: Object.fromEntries(
      Object.entries(definition.severities).map(([rule, severity]) => [Number(rule), severity]),
    ),
  };
}

/**
 * SPC characteristics: each sample on `spc/{id}/samples` is classified by the pure engine, stored
 * together with the violations it completed (one transaction), then broadcast as `sample` and
 * `violation` into `characteristic:{id}`. Samples of one characteristic are handled in order.
 * A sample for an unknown characteristic creates one with limits from a baseline (documented
 * choice: a new production line starts charting without configuration first).
 *
 * While the store is unavailable a sample is tried again with backoff until the store takes it,
 * and the samples behind it wait in order: no later sample is charted before it. At most
 * `maxPending` samples wait; stopping gives up on those still waiting.
 */
export class SpcService {
  private readonly characteristics = new Map<string, Characteristic>();
  private readonly chains = new Map<string, Promise<void>>();
  private rejected = 0;
  private duplicates = 0;
  private dropped = 0;
  /** Samples accepted and not yet charted or given up. */
  private pending = 0;
  /** The store refused the latest attempt as unavailable; samples wait until one succeeds. */
  private waiting = false;
  private droppedSinceWaiting = false;
  private stopping = false;
  private readonly stopWaiting = new AbortController();

  constructor(private readonly options: SpcServiceOptions) {}

  /** Loads the characteristics and their recent samples, and creates the seed file's that do not exist yet. */
  async restore(seed: readonly CharacteristicSeed[]): Promise<void> {
    const { store } = this.options;
    for (const stored of await store.characteristics()) {
      const definition = stored.definition as StoredDefinition;
      this.characteristics.set(stored.id, {
        id: stored.id,
        definition,
        state: await this.rebuild(stored.id, definition),
      });
    }
    for (const { id, definition } of seed) {
      if (this.characteristics.has(id)) continue;
      await this.define(id, definition);
    }
  }

  /** The engine state after a restart: rule windows from the stored samples, or the baseline resumed. */
  private async rebuild(id: string, definition: StoredDefinition): Promise<CharacteristicState> {
    const config = engineConfig(definition);
    const fresh = createCharacteristicState(config);
    const limits = fresh.limits ?? definition.computedLimits ?? null;
    if (limits !== null) {
      const recent = await this.options.store.recentSamples(id, MAX_RULE_WINDOW);
      const monitored = recent.filter((sample) => sample.zone !== null).map((sample) => sample.value);
      return restoreState(config, monitored, limits);
    }
    let state = fresh;
    for (const values of definition.baselineValues ?? []) state = addSample(state, values).state;
    return state;
  }

  private async define(id: string, definition: CharacteristicDefinition): Promise<Characteristic> {
    const state = createCharacteristicState(engineConfig(definition));
    await this.options.store.saveCharacteristic(id, definition, new Date().toISOString());
    const characteristic = { id, definition, state };
    this.characteristics.set(id, characteristic);
    return characteristic;
  }

  accept(input: SpcSampleInput): Promise<void> {
    if (this.pending >= this.options.maxPending) {
      this.dropped += 1;
      if (!this.droppedSinceWaiting) {
        this.droppedSinceWaiting = true;
        this.options.logger.warn('SPC samples dropped: too many wait for the store', {
          characteristicId: input.characteristicId,
          pending: this.pending,
        });
      }
      return Promise.resolve();
    }
    this.pending += 1;
    return this.enqueue(input.characteristicId, () => this.process(input)).finally(() => {
      this.pending -= 1;
    });
  }

  private enqueue<T>(id: string, work: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(id) ?? Promise.resolve();
    const result = previous.then(work);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.chains.set(id, settled);
    void settled.then(() => {
      if (this.chains.get(id) === settled) this.chains.delete(id);
    });
    return result;
  }

  private async process(input: SpcSampleInput): Promise<void> {
    const ids: SampleIds = { sample: input.sampleId ?? randomUUID(), violations: [] };
    for (let attempt = 0; ; attempt += 1) {
      if (this.stopping && this.waiting) {
        this.giveUp(input, 'the gateway stopped while the store was unavailable');
        return;
      }
      try {
        await this.chart(input, ids, attempt > 0);
        this.noteStored();
        return;
      } catch (error) {
        if (!isTransientStoreError(error)) {
          this.giveUp(input, error);
          return;
        }
        this.noteWaiting(input, error);
        await sleep(retryDelay(attempt, this.options.retry), undefined, { signal: this.stopWaiting.signal }).catch(
          () => undefined,
        );
      }
    }
  }

  /**
   * Classifies, stores and broadcasts one sample. `retried`: an earlier attempt failed, and
   * may have committed before its answer was lost; a sample found stored then is that one.
   */
  private async chart(input: SpcSampleInput, ids: SampleIds, retried: boolean): Promise<void> {
    const { store, broadcaster } = this.options;
    let committed = false;
    if (input.sampleId !== null || retried) {
      const exists = await store.sampleExists(ids.sample);
      if (exists && !retried) {
        // QoS 1 delivers at least once: a redelivered sample is not charted twice.
        this.duplicates += 1;
        return;
      }
      committed = exists;
    }
    const characteristic =
      this.characteristics.get(input.characteristicId) ??
      (await this.define(
        input.characteristicId,
        autoCharacteristic(input.characteristicId, input.values.length, this.options.baselineSamples),
      ));
    const result = addSample(characteristic.state, input.values);
    const inControl = result.classification?.inControl ?? true;
    const sample: StoredSample = {
      sampleId: ids.sample,
      characteristicId: characteristic.id,
      timestamp: input.timestamp,
      value: result.plotted,
      range: result.range,
      subgroup: input.values.length > 1 ? [...input.values] : null,
      zone: result.classification?.zone ?? null,
      inControl,
    };
    const violations: ViolationRecord[] = result.violations.map((violation, index) => ({
      violationId: (ids.violations[index] ??= randomUUID()),
      characteristicId: characteristic.id,
      sampleId: ids.sample,
      ruleId: violation.ruleId,
      ruleName: violation.ruleName,
      severity: violation.severity,
      timestamp: input.timestamp,
      acknowledged: false,
      ackUser: null,
      ackReason: null,
      ackAt: null,
    }));
    let definition = characteristic.definition;
    if (result.phase === 'baseline') {
      // Keep the baseline with the definition: the limits it set must not change across restarts.
      const { baselineValues = [], ...rest } = definition;
      definition =
        result.limits === null
          ? { ...rest, baselineValues: [...baselineValues, [...input.values]] }
          : { ...rest, computedLimits: result.limits };
      if (!committed) await store.saveCharacteristic(characteristic.id, definition, new Date().toISOString());
    }
    if (!committed) await store.saveSample(sample, violations);
    // Only now, so an attempt that failed above leaves the characteristic as it was for the next.
    characteristic.definition = definition;
    characteristic.state = result.state;

    const room = characteristicRoom(characteristic.id);
    const payload: SamplePayload = {
      sampleId: ids.sample,
      characteristicId: characteristic.id,
      timestamp: input.timestamp,
      value: result.plotted,
      zone: sample.zone,
      inControl,
    };
    broadcaster.publish(room, 'sample', payload);
    for (const violation of violations) {
      broadcaster.publish(room, 'violation', {
        violationId: violation.violationId,
        characteristicId: violation.characteristicId,
        sampleId: violation.sampleId,
        ruleId: violation.ruleId,
        ruleName: violation.ruleName,
        severity: violation.severity,
      });
    }
  }

  private giveUp(input: SpcSampleInput, error: unknown): void {
    this.rejected += 1;
    this.options.logger.warn('SPC sample not charted', { characteristicId: input.characteristicId, error });
  }

  private noteWaiting(input: SpcSampleInput, error: unknown): void {
    if (this.waiting) return;
    this.waiting = true;
    this.options.logger.warn('SPC samples wait for the store', { characteristicId: input.characteristicId, error });
  }

  private noteStored(): void {
    if (!this.waiting) return;
    this.waiting = false;
    this.droppedSinceWaiting = false;
    this.options.logger.info('SPC samples are stored again', { stillPending: this.pending - 1 });
  }

  // REST and socket operations.

  list(user: AuthUser): CharacteristicView[] {
    return [...this.characteristics.values()]
      .filter((characteristic) => canAccessRoom(user, characteristicRoom(characteristic.id)))
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((characteristic) => this.view(characteristic));
  }

  get(id: string): CharacteristicView {
    return this.view(this.require(id));
  }

  limitsOf(id: string): ControlLimits {
    const characteristic = this.require(id);
    if (characteristic.state.limits === null) {
      const needed =
        characteristic.definition.limits.kind === 'baseline' ? characteristic.definition.limits.samples : 0;
      throw new RoomcastError(
        ErrorCode.CONFLICT,
        `${id} is still collecting its baseline (${characteristic.state.baseline.length} of ${needed} samples): no limits yet`,
      );
    }
    return characteristic.state.limits;
  }

  async create(id: string, input: unknown): Promise<CharacteristicView> {
    const definition = this.parse(input);
    return this.enqueue(id, async () => {
      if (this.characteristics.has(id)) {
        throw new RoomcastError(ErrorCode.CONFLICT, `characteristic ${id} exists already: use PUT to change it`);
      }
      return this.view(await this.define(id, definition));
    });
  }

  /** Replaces a definition; its rule windows and baseline start again (limits may have changed). */
  async replace(id: string, input: unknown): Promise<CharacteristicView> {
    const definition = this.parse(input);
    return this.enqueue(id, async () => {
      this.require(id);
      return this.view(await this.define(id, definition));
    });
  }

  samples(id: string, limit: number): Promise<StoredSample[]> {
    this.require(id);
    return this.options.store.recentSamples(id, limit);
  }

  violations(id: string, query: { acknowledged?: boolean; limit: number }): Promise<ViolationRecord[]> {
    this.require(id);
    return this.options.store.violations(id, query);
  }

  /** Committed first, then `ack_update` goes into the characteristic's room. */
  async acknowledge(violationId: string, reason: string, user: AuthUser): Promise<ViolationRecord> {
    const { store, broadcaster } = this.options;
    const existing = await store.getViolation(violationId);
    if (existing === null) throw new RoomcastError(ErrorCode.NOT_FOUND, `no violation ${violationId}`);
    const room = characteristicRoom(existing.characteristicId);
    if (!canAccessRoom(user, room))
      throw new RoomcastError(ErrorCode.FORBIDDEN, `your token does not allow room ${room}`);
    const result = await store.acknowledgeViolation(violationId, user.sub, reason, new Date().toISOString());
    if (result.status === 'not_found') throw new RoomcastError(ErrorCode.NOT_FOUND, `no violation ${violationId}`);
    if (result.status === 'already_acknowledged') {
      throw new RoomcastError(
        ErrorCode.CONFLICT,
        `violation ${violationId} was already acknowledged by ${result.violation.ackUser ?? 'someone'} at ${result.violation.ackAt ?? 'an earlier time'}`,
      );
    }
    const { violation } = result;
    broadcaster.publish(room, 'ack_update', {
      kind: 'violation',
      id: violation.violationId,
      characteristicId: violation.characteristicId,
      ...acknowledgedFields(violation, user, reason),
    });
    return violation;
  }

  /** Resolves once every accepted sample is charted or given up. */
  async drain(): Promise<void> {
    await Promise.all([...this.chains.values()]);
  }

  /** At shutdown: gives up on the samples waiting for the store (each counted as rejected), then drains. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopWaiting.abort();
    await this.drain();
  }

  counters(): Record<string, number> {
    return {
      rejectedSamples: this.rejected,
      duplicateSamples: this.duplicates,
      pendingSamples: this.pending,
      droppedSamples: this.dropped,
    };
  }

  private parse(input: unknown): CharacteristicDefinition {
    try {
      const definition = parseCharacteristic(input, this.options.baselineSamples);
      createCharacteristicState(engineConfig(definition));
      return definition;
    } catch (error) {
      throw new RoomcastError(ErrorCode.BAD_REQUEST, `invalid characteristic: ${(error as Error).message}`);
    }
  }

  private require(id: string): Characteristic {
    const characteristic = this.characteristics.get(id);
    if (characteristic === undefined) throw new RoomcastError(ErrorCode.NOT_FOUND, `no characteristic ${id}`);
    return characteristic;
  }

  private view(characteristic: Characteristic): CharacteristicView {
    const { definition, state } = characteristic;
    const { computedLimits: _computed, baselineValues: _baseline, ...plain } = definition as StoredDefinition;
    return {
      id: characteristic.id,
      definition: plain,
      phase: state.phase,
      limits: state.limits,
      baseline:
        state.phase === 'baseline' && definition.limits.kind === 'baseline'
          ? { collected: state.baseline.length, needed: definition.limits.samples }
          : null,
    };
  }
}
