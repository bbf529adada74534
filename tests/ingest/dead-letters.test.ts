import { Writable } from 'node:stream';
import { createLogger } from '@roomcast/server';
import { DeadLetters } from '../../server/src/ingest/dead-letters';

function capturingLogger(): { logger: ReturnType<typeof createLogger>; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level: 'info', format: 'json', stream }), lines };
}

describe('the dead-letter buffer', () => {
  it('keeps the newest letters up to its capacity, newest first, and counts every one', () => {
    const { logger } = capturingLogger();
    const letters = new DeadLetters(3, logger);
    for (let i = 1; i <= 5; i += 1) letters.add(`t/${i}`, Buffer.from(`p${i}`), 'not_json', `bad ${i}`);
    const report = letters.report();
    expect(report.capacity).toBe(3);
    expect(report.total).toBe(5);
    expect(report.byReason.not_json).toBe(5);
    expect(report.items.map((item) => [item.seq, item.topic, item.preview])).toEqual([
      [5, 't/5', 'p5'],
      [4, 't/4', 'p4'],
      [3, 't/3', 'p3'],
    ]);
    expect(letters.report(1).items).toHaveLength(1);
  });

  it('keeps only a bounded preview of a large payload', () => {
    const { logger } = capturingLogger();
    const letters = new DeadLetters(10, logger);
    letters.add('t', Buffer.alloc(100_000, 'x'), 'payload_too_large', 'too big');
    const [item] = letters.report().items;
    expect(item?.sizeBytes).toBe(100_000);
    expect(item?.preview.length).toBe(256);
  });

  it('logs the first rejection of a reason, then one summary per interval instead of a line each', async () => {
    const { logger, lines } = capturingLogger();
    let now = 0;
    const letters = new DeadLetters(10, logger, () => now);
    for (let i = 0; i < 100; i += 1) letters.add('t', Buffer.from('x'), 'invalid_payload', 'bad');
    letters.add('t', Buffer.from('x'), 'not_json', 'bad');
    now = 10_000;
    letters.add('t', Buffer.from('x'), 'invalid_payload', 'bad');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.map((line) => [line.reason, line.alsoRejectedSinceLastLog])).toEqual([
      ['invalid_payload', undefined],
      ['not_json', undefined],
      ['invalid_payload', 99],
    ]);
  });
});
