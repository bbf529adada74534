import { areaOf, selfTime, type CallFrame, type CpuProfile } from '../../bench/measure/self-time';

const ROOT = '/repo';

function frame(functionName: string, url = '', lineNumber = 0): CallFrame {
  return { functionName, url, lineNumber };
}

/** A profile whose samples are (node id, µs since the previous sample) pairs. */
function profile(frames: CallFrame[], samples: [number, number][]): CpuProfile {
  return {
    nodes: frames.map((callFrame, index) => ({ id: index + 1, callFrame })),
    samples: samples.map(([id]) => id),
    timeDeltas: samples.map(([, us]) => us),
  };
}

const emit = frame('emit', 'file:///repo/node_modules/@socket.io/component-emitter/lib/cjs/index.js', 128);
const route = frame('route', 'file:///repo/client-sdk/src/subscription-registry.ts', 90);
const idle = frame('(idle)');
const gc = frame('(garbage collector)');

describe('self time of CPU profiles', () => {
  it('counts each sample’s time against its function, and leaves idle time out of busy', () => {
    const result = selfTime(
      [
        profile(
          [emit, route, idle],
          [
            [1, 300],
            [2, 100],
            [3, 600],
            [1, 200],
          ],
        ),
      ],
      ROOT,
    );

    expect(result.totalUs).toBe(1200);
    expect(result.busyUs).toBe(600);
    expect(result.byFunction).toEqual([
      { name: 'emit', location: 'node_modules/@socket.io/component-emitter/lib/cjs/index.js:129', us: 500 },
      { name: 'route', location: 'client-sdk/src/subscription-registry.ts:91', us: 100 },
    ]);
  });

  it('sums several profiles, whose node ids are their own', () => {
    const first = profile(
      [emit, route],
      [
        [1, 100],
        [2, 50],
      ],
    );
    // The same functions under other ids, as a second process's profile numbers them.
    const second = profile(
      [route, emit, gc],
      [
        [1, 70],
        [2, 10],
        [3, 40],
      ],
    );

    const result = selfTime([first, second], ROOT);

    expect(result.busyUs).toBe(270);
    expect(result.byFunction).toEqual([
      { name: 'route', location: 'client-sdk/src/subscription-registry.ts:91', us: 120 },
      { name: 'emit', location: 'node_modules/@socket.io/component-emitter/lib/cjs/index.js:129', us: 110 },
      { name: '(garbage collector)', location: '', us: 40 },
    ]);
  });

  it('groups functions by the package or workspace that owns them, largest first', () => {
    const parse = frame('decodeString', 'file:///repo/node_modules/socket.io-parser/build/cjs/index.js', 176);
    const result = selfTime(
      [
        profile(
          [emit, route, parse, gc],
          [
            [1, 10],
            [2, 30],
            [3, 25],
            [4, 20],
            [2, 5],
          ],
        ),
      ],
      ROOT,
    );

    expect(result.byArea).toEqual([
      ['client-sdk (this repo)', 35],
      ['socket.io-parser', 25],
      ['native (syscalls, GC, V8)', 20],
      ['@socket.io/component-emitter', 10],
    ]);
  });

  it('names node’s own code and code outside the known places as they are', () => {
    expect(areaOf('node:internal/streams/readable:462')).toBe('node core (JS)');
    expect(areaOf('bench/load/clients.ts:30')).toBe('bench (this repo)');
    expect(areaOf('elsewhere/tool.js:3')).toBe('elsewhere/tool.js:3');
  });
});
