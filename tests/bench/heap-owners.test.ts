import {
  CODE,
  ENGINE_IO,
  heapByOwner,
  NODE_NET,
  ROOMCAST,
  SHARED,
  SOCKET_IO,
  UNATTRIBUTED,
  type HeapSnapshot,
} from '../../bench/measure/heap-owners';

/** A node of a hand-made snapshot: its edges name their targets by id. */
interface FakeNode {
  id: number;
  type: 'object' | 'array' | 'code' | 'synthetic' | 'closure';
  name: string;
  size: number;
  edges?: Array<{ type: 'property' | 'internal' | 'weak'; name: string; to: number }>;
}

const NODE_TYPES = [
  'hidden',
  'array',
  'string',
  'object',
  'code',
  'closure',
  'regexp',
  'number',
  'native',
  'synthetic',
];
const EDGE_TYPES = ['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak'];

/** Builds V8's flat `.heapsnapshot` layout from a list of nodes. */
function snapshot(list: FakeNode[]): HeapSnapshot {
  const strings: string[] = [];
  const str = (value: string): number => {
    const at = strings.indexOf(value);
    if (at !== -1) return at;
    strings.push(value);
    return strings.length - 1;
  };
  const index = new Map(list.map((node, i) => [node.id, i]));
  const nodes: number[] = [];
  const edges: number[] = [];
  for (const node of list) {
    const own = node.edges ?? [];
    nodes.push(NODE_TYPES.indexOf(node.type), str(node.name), node.id, node.size, own.length);
    for (const edge of own) edges.push(EDGE_TYPES.indexOf(edge.type), str(edge.name), (index.get(edge.to) ?? 0) * 5);
  }
  return {
    snapshot: {
      meta: {
        node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'],
        node_types: [NODE_TYPES],
        edge_fields: ['type', 'name_or_index', 'to_node'],
        edge_types: [EDGE_TYPES],
      },
    },
    nodes,
    edges,
    strings,
  };
}

const ROOT: FakeNode = { id: 1, type: 'synthetic', name: '(GC roots)', size: 0 };
const ROOMS: FakeNode = { id: 3, type: 'object', name: 'Map', size: 32 };

/** The GC roots, holding the old room map and the given nodes. */
function roots(...ids: number[]): FakeNode {
  return {
    ...ROOT,
    edges: [
      { type: 'internal', name: 'rooms', to: ROOMS.id },
      ...ids.map((to) => ({ type: 'internal' as const, name: `r${to}`, to })),
    ],
  };
}

function share(result: ReturnType<typeof heapByOwner>, owner: string): { bytes: number; objects: number } {
  const found = result.find((s) => s.owner === owner);
  return { bytes: found?.bytes ?? 0, objects: found?.objects ?? 0 };
}

describe('heap by owner', () => {
  const before = snapshot([roots(), ROOMS]);

  it('counts only the objects the second snapshot added, each under the library object that holds it', () => {
    const after = snapshot([
      roots(10, 20, 40, 60),
      { ...ROOMS, edges: [{ type: 'internal', name: 'table', to: 30 }] },
      // A Socket.IO socket: its acknowledgement map is Socket.IO's, its `data` the gateway's.
      {
        id: 10,
        type: 'object',
        name: 'Socket',
        size: 200,
        edges: [
          { type: 'property', name: 'nsp', to: 3 },
          { type: 'property', name: 'acks', to: 13 },
          { type: 'property', name: 'data', to: 11 },
        ],
      },
      { id: 11, type: 'object', name: 'Object', size: 56, edges: [{ type: 'property', name: 'user', to: 12 }] },
      { id: 12, type: 'object', name: 'Object', size: 48 },
      { id: 13, type: 'object', name: 'Map', size: 32 },
      // An Engine.IO socket and its ping timer.
      {
        id: 20,
        type: 'object',
        name: 'Socket',
        size: 210,
        edges: [
          { type: 'property', name: 'transport', to: 3 },
          { type: 'property', name: 'pingTimeoutTimer', to: 21 },
        ],
      },
      { id: 21, type: 'object', name: 'Timeout', size: 120 },
      // The adapter's room map grew a new table: shared, not any one socket's.
      { id: 30, type: 'array', name: '', size: 400 },
      { id: 40, type: 'code', name: 'handleUpgrade', size: 90 },
      // net.Socket is told apart from the other two Sockets by its handle.
      { id: 60, type: 'object', name: 'Socket', size: 220, edges: [{ type: 'property', name: '_handle', to: 61 }] },
      { id: 61, type: 'object', name: 'TCP', size: 56 },
    ]);

    const result = heapByOwner(before, after);

    expect(share(result, SOCKET_IO)).toEqual({ bytes: 232, objects: 2 });
    expect(share(result, ROOMCAST)).toEqual({ bytes: 104, objects: 2 });
    expect(share(result, ENGINE_IO)).toEqual({ bytes: 330, objects: 2 });
    expect(share(result, NODE_NET)).toEqual({ bytes: 276, objects: 2 });
    expect(share(result, SHARED)).toEqual({ bytes: 400, objects: 1 });
    expect(share(result, CODE)).toEqual({ bytes: 90, objects: 1 });
    expect(result.reduce((sum, s) => sum + s.bytes, 0)).toBe(1432);
    // Largest first.
    expect(result.map((s) => s.bytes)).toEqual([...result.map((s) => s.bytes)].sort((a, b) => b - a));
  });

  it('prefers a new retainer to an old one, and follows no weak edge', () => {
    const after = snapshot([
      roots(70),
      // The old map also points at the buffer, but the client that was added owns it.
      { ...ROOMS, edges: [{ type: 'internal', name: 'entry', to: 72 }] },
      { id: 70, type: 'object', name: 'Client', size: 120, edges: [{ type: 'internal', name: 'buffer', to: 72 }] },
      { id: 72, type: 'array', name: '', size: 64, edges: [{ type: 'weak', name: 'w', to: 74 }] },
      // Reached only through a weak edge: nothing new holds it, and no owner is found.
      { id: 74, type: 'closure', name: 'orphan', size: 32 },
    ]);

    const result = heapByOwner(before, after);

    expect(share(result, SOCKET_IO)).toEqual({ bytes: 184, objects: 2 });
    expect(share(result, UNATTRIBUTED)).toEqual({ bytes: 32, objects: 1 });
  });
});
