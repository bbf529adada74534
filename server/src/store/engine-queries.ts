import type { Kysely, Selectable } from 'kysely';
import type { AqiUpdatePayload, IsoTimestamp, SpcZone, ViolationSeverity } from '@roomcast/shared';
import type { Database, SpcSamplesTable, SpcViolationsTable } from './schema';
import type {
  AcknowledgeViolationResult,
  AqiHistoryQuery,
  AqiLocation,
  StoredCharacteristic,
  StoredSample,
  StoredViolation,
} from './engine-records';

/**
 * The SPC and AQI engines' queries, one function each over either dialect. The store
 * wraps them with its error handling and health accounting.
 */

type Db = Kysely<Database>;

const toBool = (value: boolean | number): boolean => value === true || value === 1;
const toMs = (iso: IsoTimestamp): number => Date.parse(iso);

function sampleOf(row: Selectable<SpcSamplesTable>): StoredSample {
  return {
    sampleId: row.sample_id,
    characteristicId: row.characteristic_id,
    timestamp: new Date(Number(row.ts_ms)).toISOString(),
    value: Number(row.value),
    range: row.range === null ? null : Number(row.range),
    subgroup: row.subgroup === null ? null : (JSON.parse(row.subgroup) as number[]),
    zone: row.zone as SpcZone | null,
    inControl: toBool(row.in_control),
  };
}

function violationOf(row: Selectable<SpcViolationsTable>): StoredViolation {
  return {
    violationId: row.violation_id,
    characteristicId: row.characteristic_id,
    sampleId: row.sample_id,
    ruleId: Number(row.rule_id),
    ruleName: row.rule_name,
    severity: row.severity as ViolationSeverity,
    timestamp: new Date(Number(row.ts_ms)).toISOString(),
    acknowledged: toBool(row.acknowledged),
    ackUser: row.ack_user,
    ackReason: row.ack_reason,
    ackAt: row.ack_at,
  };
}

export async function saveCharacteristic(db: Db, id: string, definition: unknown, at: IsoTimestamp): Promise<void> {
  const json = JSON.stringify(definition);
  await db
    .insertInto('spc_characteristics')
    .values({ id, definition: json, created_at: at, updated_at: at })
    .onConflict((conflict) => conflict.column('id').doUpdateSet({ definition: json, updated_at: at }))
    .execute();
}

export async function characteristics(db: Db): Promise<StoredCharacteristic[]> {
  const rows = await db.selectFrom('spc_characteristics').selectAll().orderBy('id').execute();
  return rows.map((row) => ({
    id: row.id,
    definition: JSON.parse(row.definition) as unknown,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }));
}

/** A sample and the violations it completed, in one transaction: neither is broadcast before both are durable. */
export async function saveSample(db: Db, sample: StoredSample, violations: readonly StoredViolation[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('spc_samples')
      .values({
        sample_id: sample.sampleId,
        characteristic_id: sample.characteristicId,
        ts_ms: toMs(sample.timestamp),
        value: sample.value,
        range: sample.range,
        subgroup: sample.subgroup === null ? null : JSON.stringify(sample.subgroup),
        zone: sample.zone,
        in_control: sample.inControl ? 1 : 0,
      })
      .execute();
    if (violations.length === 0) return;
    await trx
      .insertInto('spc_violations')
      .values(
        violations.map((violation) => ({
          violation_id: violation.violationId,
          characteristic_id: violation.characteristicId,
          sample_id: violation.sampleId,
          rule_id: violation.ruleId,
          rule_name: violation.ruleName,
          severity: violation.severity,
          ts_ms: toMs(violation.timestamp),
          acknowledged: 0,
          ack_user: null,
          ack_reason: null,
          ack_at: null,
        })),
      )
      .execute();
  });
}

export async function sampleExists(db: Db, sampleId: string): Promise<boolean> {
  const row = await db
    .selectFrom('spc_samples')
    .select('sample_id')
    .where('sample_id', '=', sampleId)
    .executeTakeFirst();
  return row !== undefined;
}

/** The newest `limit` samples, oldest first (chart order). */
export async function recentSamples(db: Db, characteristicId: string, limit: number): Promise<StoredSample[]> {
  const rows = await db
    .selectFrom('spc_samples')
    .selectAll()
    .where('characteristic_id', '=', characteristicId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.reverse().map(sampleOf);
}

export async function violations(
  db: Db,
  characteristicId: string,
  options: { acknowledged?: boolean; limit: number },
): Promise<StoredViolation[]> {
  let query = db.selectFrom('spc_violations').selectAll().where('characteristic_id', '=', characteristicId);
  if (options.acknowledged !== undefined) query = query.where('acknowledged', '=', options.acknowledged ? 1 : 0);
  const rows = await query.orderBy('ts_ms', 'desc').orderBy('violation_id', 'desc').limit(options.limit).execute();
  return rows.map(violationOf);
}

export async function getViolation(db: Db, violationId: string): Promise<StoredViolation | null> {
  const row = await db
    .selectFrom('spc_violations')
    .selectAll()
    .where('violation_id', '=', violationId)
    .executeTakeFirst();
  return row === undefined ? null : violationOf(row);
}

/** Acknowledges once: the condition on `acknowledged` makes concurrent acknowledgements race safely. */
export async function acknowledgeViolation(
  db: Db,
  violationId: string,
  user: string,
  reason: string,
  at: IsoTimestamp,
): Promise<AcknowledgeViolationResult> {
  return db.transaction().execute(async (trx) => {
    const update = await trx
      .updateTable('spc_violations')
      .set({ acknowledged: 1, ack_user: user, ack_reason: reason, ack_at: at })
      .where('violation_id', '=', violationId)
      .where('acknowledged', '=', 0)
      .executeTakeFirst();
    const row = await trx
      .selectFrom('spc_violations')
      .selectAll()
      .where('violation_id', '=', violationId)
      .executeTakeFirst();
    if (row === undefined) return { status: 'not_found' };
    const violation = violationOf(row);
    return update.numUpdatedRows === 0n
      ? { status: 'already_acknowledged', violation }
      : { status: 'acknowledged', violation };
  });
}

export async function saveAqi(db: Db, payload: AqiUpdatePayload): Promise<void> {
  await db
    .insertInto('aqi_readings')
    .values({ location: payload.location, ts_ms: toMs(payload.timestamp), payload: JSON.stringify(payload) })
    .execute();
}

export async function aqiHistory(db: Db, query: AqiHistoryQuery): Promise<AqiUpdatePayload[]> {
  let select = db.selectFrom('aqi_readings').select('payload').where('location', '=', query.location);
  if (query.from !== undefined) select = select.where('ts_ms', '>=', toMs(query.from));
  if (query.to !== undefined) select = select.where('ts_ms', '<=', toMs(query.to));
  const rows = await select.orderBy('ts_ms', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
  return rows.map((row) => JSON.parse(row.payload) as AqiUpdatePayload);
}

/** Every location with a reading, and its latest. */
export async function aqiLocations(db: Db): Promise<AqiLocation[]> {
  const newest = db
    .selectFrom('aqi_readings')
    .select((eb) => ['location', eb.fn.max('id').as('id')])
    .groupBy('location')
    .as('newest');
  const rows = await db
    .selectFrom('aqi_readings')
    .innerJoin(newest, 'newest.id', 'aqi_readings.id')
    .select(['aqi_readings.location', 'aqi_readings.payload'])
    .orderBy('aqi_readings.location')
    .execute();
  return rows.map((row) => ({ location: row.location, latest: JSON.parse(row.payload) as AqiUpdatePayload }));
}
