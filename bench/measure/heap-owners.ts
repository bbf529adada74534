/**
 * Who holds the heap a set of connections added: the objects of a V8 heap snapshot that
 * a snapshot taken before the connections did not have, each counted under the library
 * object that keeps it. A new object belongs to the first object of a known kind on its
 * first strong retainer chain (a `Receiver` to ws, an Engine.IO socket to Engine.IO, …);
 * one whose chain reaches an object that was already there belongs to that shared
 * structure (the adapter's room maps, timer lists); compiled code is one-off growth.
 * It is an attribution, not a dominator tree: an object reachable from two owners is
 * counted once, under the first.
 */

/** The part of the `.heapsnapshot` format (V8's JSON) this reads. */
export interface HeapSnapshot {
  snapshot: {
    meta: {
      node_fields: string[];
      node_types: [string[], ...unknown[]];
      edge_fields: string[];
      edge_types: [string[], ...unknown[]];
    };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

export interface OwnerShare {
  owner: string;
  bytes: number;
  objects: number;
}

/** A node as the rules see it: its V8 type, constructor (or other) name and property names. */
export interface NodeView {
  type: string;
  name: string;
  has(property: string): boolean;
}

export interface OwnerRule {
  owner: string;
  matches(node: NodeView): boolean;
}

export const NODE_NET = 'Node: net.Socket, TCP handle, streams';
export const WS = 'ws: WebSocket, Receiver, Sender';
export const ENGINE_IO = 'Engine.IO: socket, transport, upgrade response';
export const SOCKET_IO = 'Socket.IO: socket, client, decoder';
export const ROOMCAST = 'the application: socket.data, rate limiter';
export const SHARED = 'shared structures (room maps, timer lists)';
export const CODE = 'compiled code (one-off)';
export const UNATTRIBUTED = 'unattributed';

/** Three libraries call their class Socket and two WebSocket; a property tells them apart. */
export const STACK_RULES: readonly OwnerRule[] = [
  { owner: SOCKET_IO, matches: (n) => n.name === 'Socket' && n.has('nsp') },
  { owner: SOCKET_IO, matches: (n) => n.name === 'Client' || n.name === 'Decoder' },
  { owner: ENGINE_IO, matches: (n) => n.name === 'Socket' && n.has('transport') },
  { owner: ENGINE_IO, matches: (n) => n.name === 'WebSocket' && n.has('_onSentLast') },
  { owner: ENGINE_IO, matches: (n) => n.name === 'WebSocketResponse' },
  { owner: WS, matches: (n) => n.name === 'WebSocket' && n.has('_receiver') },
  { owner: WS, matches: (n) => n.name === 'Receiver' || n.name === 'Sender' },
  { owner: NODE_NET, matches: (n) => n.name === 'Socket' && n.has('_handle') },
  { owner: NODE_NET, matches: (n) => n.name === 'TCP' || n.name.includes('TCPSocketWrap') },
  { owner: ROOMCAST, matches: (n) => n.name === 'TokenBucket' },
];

/** What hangs off a known object under one property belongs elsewhere: `socket.data` is the gateway's. */
export interface PropertyRule {
  owner: string;
  property: string;
  of(node: NodeView): boolean;
}

export const STACK_PROPERTY_RULES: readonly PropertyRule[] = [
  { owner: ROOMCAST, property: 'data', of: (n) => n.name === 'Socket' && n.has('nsp') },
];

/** How far up a retainer chain an owner is looked for. */
const MAX_DEPTH = 12;

export function heapByOwner(
  before: HeapSnapshot,
  after: HeapSnapshot,
  rules: readonly OwnerRule[] = STACK_RULES,
  propertyRules: readonly PropertyRule[] = STACK_PROPERTY_RULES,
): OwnerShare[] {
  const meta = after.snapshot.meta;
  const nodeFieldCount = meta.node_fields.length;
  const edgeFieldCount = meta.edge_fields.length;
  const field = (name: string): number => meta.node_fields.indexOf(name);
  const [TYPE, NAME, ID, SIZE, EDGES] = ['type', 'name', 'id', 'self_size', 'edge_count'].map(field) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const edgeField = (name: string): number => meta.edge_fields.indexOf(name);
  const [EDGE_TYPE, EDGE_NAME, EDGE_TO] = ['type', 'name_or_index', 'to_node'].map(edgeField) as [
    number,
    number,
    number,
  ];
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const { nodes, edges, strings } = after;
  const count = nodes.length / nodeFieldCount;

  const oldIds = idsOf(before);
  const isNew = new Uint8Array(count);
  const firstEdge = new Uint32Array(count);
  for (let k = 0, e = 0; k < count; k += 1) {
    isNew[k] = oldIds.has(nodes[k * nodeFieldCount + ID] as number) ? 0 : 1;
    firstEdge[k] = e;
    e += (nodes[k * nodeFieldCount + EDGES] as number) * edgeFieldCount;
  }

  const typeOf = (k: number): string => nodeTypes[nodes[k * nodeFieldCount + TYPE] as number] ?? '';
  const nameOf = (k: number): string => strings[nodes[k * nodeFieldCount + NAME] as number] ?? '';
  const propertiesOf = (k: number): Set<string> => {
    const names = new Set<string>();
    const end = firstEdge[k]! + (nodes[k * nodeFieldCount + EDGES] as number) * edgeFieldCount;
    for (let o = firstEdge[k]!; o < end; o += edgeFieldCount) {
      if (edgeTypes[edges[o + EDGE_TYPE] as number] === 'property') names.add(strings[edges[o + EDGE_NAME] as number]!);
    }
    return names;
  };

  // Each node's first strong retainer: a new one if it has any, else any.
  const parent = new Int32Array(count).fill(-1);
  /** The property name (string index) of the edge from the parent, or -1. */
  const parentProperty = new Int32Array(count).fill(-1);
  for (let k = 0; k < count; k += 1) {
    const end = firstEdge[k]! + (nodes[k * nodeFieldCount + EDGES] as number) * edgeFieldCount;
    for (let o = firstEdge[k]!; o < end; o += edgeFieldCount) {
      if (edgeTypes[edges[o + EDGE_TYPE] as number] === 'weak') continue;
      const to = (edges[o + EDGE_TO] as number) / nodeFieldCount;
      if (to === k || !isNew[to]) continue;
      const current = parent[to]!;
      if (current === -1 || (!isNew[current] && isNew[k])) {
        parent[to] = k;
        parentProperty[to] =
          edgeTypes[edges[o + EDGE_TYPE] as number] === 'property' ? (edges[o + EDGE_NAME] as number) : -1;
      }
    }
  }

  const viewOf = (k: number): NodeView => {
    let properties: Set<string> | null = null;
    return { type: typeOf(k), name: nameOf(k), has: (property) => (properties ??= propertiesOf(k)).has(property) };
  };
  const direct = (k: number): string | null => {
    const type = typeOf(k);
    if (type === 'code') return CODE;
    if (type !== 'object' && type !== 'native' && type !== 'synthetic') return null;
    const view = viewOf(k);
    return rules.find((rule) => rule.matches(view))?.owner ?? null;
  };
  const byProperty = (k: number): string | null => {
    const property = parentProperty[k]!;
    if (property === -1 || parent[k] === -1) return null;
    const name = strings[property];
    const holder = viewOf(parent[k]!);
    return propertyRules.find((rule) => rule.property === name && rule.of(holder))?.owner ?? null;
  };

  const ownerOf = new Map<number, string>();
  const resolve = (start: number): string => {
    const chain: number[] = [];
    let k = start;
    let owner: string | null = null;
    for (let depth = 0; depth < MAX_DEPTH; depth += 1) {
      const known = ownerOf.get(k);
      if (known !== undefined) {
        owner = known;
        break;
      }
      chain.push(k);
      owner = direct(k) ?? byProperty(k);
      if (owner !== null) break;
      const up = parent[k]!;
      if (up === -1) break;
      if (!isNew[up]) {
        owner = SHARED;
        break;
      }
      k = up;
    }
    const result = owner ?? UNATTRIBUTED;
    for (const node of chain) ownerOf.set(node, result);
    return result;
  };

  const shares = new Map<string, OwnerShare>();
  for (let k = 0; k < count; k += 1) {
    if (!isNew[k]) continue;
    const owner = resolve(k);
    const share = shares.get(owner) ?? { owner, bytes: 0, objects: 0 };
    share.bytes += nodes[k * nodeFieldCount + SIZE] as number;
    share.objects += 1;
    shares.set(owner, share);
  }
  return [...shares.values()].sort((a, b) => b.bytes - a.bytes);
}

function idsOf(snapshot: HeapSnapshot): Set<number> {
  const fields = snapshot.snapshot.meta.node_fields;
  const stride = fields.length;
  const idField = fields.indexOf('id');
  const ids = new Set<number>();
  for (let i = idField; i < snapshot.nodes.length; i += stride) ids.add(snapshot.nodes[i] as number);
  return ids;
}
