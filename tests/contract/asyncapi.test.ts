import path from 'node:path';
import {
  ALERT_FIELDS,
  CLIENT_EVENT_FIELDS,
  CLIENT_EVENT_NAMES,
  ErrorCode,
  SERVER_EVENT_FIELDS,
  SERVER_EVENT_NAMES,
} from '@roomcast/shared';
import { isObject, loadYamlDocument, objectAt, sorted, type JsonObject } from '../support/yaml-document';

/**
 * The AsyncAPI document is written by hand; these specifications tie it to the
 * runtime lists in @roomcast/shared, which the compiler ties to the types. A new
 * event, field or error code that is not documented fails here.
 */

const DOC_PATH = path.join(__dirname, '../../docs/asyncapi.yaml');

interface Reference {
  $ref: string;
}

interface Message {
  name?: unknown;
  payload?: unknown;
}

interface Channel {
  address: string | null;
  messages: Record<string, unknown>;
}

interface Operation {
  action: 'send' | 'receive';
  channel: Reference;
  messages: Reference[];
  reply?: { channel: Reference; messages: Reference[] };
}

interface Schema {
  type?: unknown;
  properties: JsonObject;
  required: string[];
  additionalProperties?: unknown;
  enum?: unknown[];
  extensions: JsonObject;
}

function referenceAt(value: unknown, where: string): Reference {
  const object = objectAt(value, where);
  if (typeof object.$ref !== 'string') throw new Error(`${where} must be a $ref`);
  return { $ref: object.$ref };
}

function referencesAt(value: unknown, where: string): Reference[] {
  if (!Array.isArray(value)) throw new Error(`${where} must be a list of $ref`);
  return value.map((item: unknown, index) => referenceAt(item, `${where}[${index}]`));
}

function stringsAt(value: unknown, where: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item: unknown) => typeof item === 'string')) {
    throw new Error(`${where} must be a list of strings`);
  }
  return value;
}

const { root, resolvePointer, deref } = loadYamlDocument(DOC_PATH);

function schemaAt(value: unknown, where: string): Schema {
  const object = objectAt(deref(value), where);
  const extensions = Object.fromEntries(Object.entries(object).filter(([key]) => key.startsWith('x-')));
  return {
    type: object.type,
    properties: object.properties === undefined ? {} : objectAt(object.properties, `${where}.properties`),
    required: stringsAt(object.required, `${where}.required`),
    additionalProperties: object.additionalProperties,
    enum: Array.isArray(object.enum) ? object.enum : undefined,
    extensions,
  };
}

function messageAt(value: unknown, where: string): Message {
  const object = objectAt(deref(value), where);
  return { name: object.name, payload: object.payload };
}

function channelAt(value: unknown, where: string): Channel {
  const object = objectAt(deref(value), where);
  const address = object.address;
  if (address !== null && typeof address !== 'string') throw new Error(`${where}.address must be a string or null`);
  return { address, messages: objectAt(object.messages, `${where}.messages`) };
}

function operationAt(value: unknown, where: string): Operation {
  const object = objectAt(value, where);
  if (object.action !== 'send' && object.action !== 'receive') {
    throw new Error(`${where}.action must be send or receive`);
  }
  const operation: Operation = {
    action: object.action,
    channel: referenceAt(object.channel, `${where}.channel`),
    messages: referencesAt(object.messages, `${where}.messages`),
  };
  if (object.reply !== undefined) {
    const reply = objectAt(object.reply, `${where}.reply`);
    operation.reply = {
      channel: referenceAt(reply.channel, `${where}.reply.channel`),
      messages: referencesAt(reply.messages, `${where}.reply.messages`),
    };
  }
  return operation;
}

const channels = objectAt(root.channels, 'channels');
const operations = Object.entries(objectAt(root.operations, 'operations')).map(
  ([id, value]) => [id, operationAt(value, `operations.${id}`)] as const,
);
const schemas = objectAt(objectAt(root.components, 'components').schemas, 'components.schemas');

const namespaceKeys = Object.keys(channels).filter((key) => channelAt(channels[key], key).address === '/');
const namespace = channelAt(channels[namespaceKeys[0] ?? ''], 'the "/" channel');

function payloadOf(event: string): Schema {
  return schemaAt(messageAt(namespace.messages[event], event).payload, `payload of ${event}`);
}

/** Where a message reference points: its channel's key and its message key. */
function splitMessageRef(ref: string): { channelRef: string; messageKey: string } {
  const match = /^(#\/channels\/[^/]+)\/messages\/([^/]+)$/.exec(ref);
  if (match?.[1] === undefined || match[2] === undefined) {
    throw new Error(`${ref} is not a reference to a channel's message`);
  }
  return { channelRef: match[1], messageKey: decodeURIComponent(match[2]) };
}

function messageNamesOf(action: Operation['action']): string[] {
  return operations
    .filter(([, operation]) => operation.action === action)
    .flatMap(([, operation]) => operation.messages.map((message) => splitMessageRef(message.$ref).messageKey));
}

function collectRefs(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const item of node) collectRefs(item, found);
  } else if (isObject(node)) {
    if (typeof node.$ref === 'string') found.push(node.$ref);
    for (const value of Object.values(node)) collectRefs(value, found);
  }
  return found;
}

const CLIENT_EVENTS_WITH_FIELDS = CLIENT_EVENT_NAMES.filter((event) => CLIENT_EVENT_FIELDS[event] !== null);
const CLIENT_EVENTS_WITHOUT_FIELDS = CLIENT_EVENT_NAMES.filter((event) => CLIENT_EVENT_FIELDS[event] === null);

describe('docs/asyncapi.yaml describes the Socket.IO contract of @roomcast/shared', () => {
  it('is an AsyncAPI 3.0.0 document', () => {
    expect(root.asyncapi).toBe('3.0.0');
  });

  describe('the default namespace channel', () => {
    it('is exactly one channel, at address "/"', () => {
      expect(namespaceKeys).toHaveLength(1);
    });

    it('has one message per contract event, no more and no fewer', () => {
      expect(sorted(Object.keys(namespace.messages))).toEqual(sorted([...SERVER_EVENT_NAMES, ...CLIENT_EVENT_NAMES]));
    });

    it('names every message exactly after its event', () => {
      for (const [key, value] of Object.entries(namespace.messages)) {
        expect(messageAt(value, key).name).toBe(key);
      }
    });
  });

  describe('server → client events', () => {
    it.each(SERVER_EVENT_NAMES)('%s has a closed object payload with exactly the fields of its type', (event) => {
      const payload = payloadOf(event);
      expect(payload.type).toBe('object');
      expect(payload.additionalProperties).toBe(false);
      expect(sorted(Object.keys(payload.properties))).toEqual(sorted(SERVER_EVENT_FIELDS[event]));
    });
  });

  describe('client → server events', () => {
    it.each(CLIENT_EVENTS_WITH_FIELDS)('%s has a closed object payload with exactly its request fields', (event) => {
      const payload = payloadOf(event);
      expect(payload.type).toBe('object');
      expect(payload.additionalProperties).toBe(false);
      expect(sorted(Object.keys(payload.properties))).toEqual(sorted(CLIENT_EVENT_FIELDS[event] ?? []));
    });

    it.each(CLIENT_EVENTS_WITHOUT_FIELDS)('%s takes a bare string or no argument, never an object', (event) => {
      const message = messageAt(namespace.messages[event], event);
      if (message.payload !== undefined) {
        expect(schemaAt(message.payload, `payload of ${event}`).type).toBe('string');
      }
    });
  });

  describe('component schemas', () => {
    it('Alert has exactly the fields of the Alert type', () => {
      const alert = schemaAt(schemas.Alert, 'Alert');
      expect(alert.additionalProperties).toBe(false);
      expect(sorted(Object.keys(alert.properties))).toEqual(sorted(ALERT_FIELDS));
    });

    it('every required field of every schema is one of its declared properties', () => {
      for (const [name, value] of Object.entries(schemas)) {
        const schema = schemaAt(value, name);
        if (schema.type !== 'object') continue;
        const missing = schema.required.filter((field) => !(field in schema.properties));
        expect({ schema: name, missing }).toEqual({ schema: name, missing: [] });
      }
    });
  });

  describe('error codes', () => {
    const codes = Object.values(ErrorCode);

    it('ErrorCode lists exactly the codes of shared/src/codes.ts', () => {
      const documented = schemaAt(schemas.ErrorCode, 'ErrorCode').enum ?? [];
      expect(documented.every((code) => typeof code === 'string')).toBe(true);
      expect(sorted(documented.map(String))).toEqual(sorted(codes));
    });

    it('gives every code a meaning, and only the codes that exist', () => {
      const meanings = objectAt(
        schemaAt(schemas.ErrorCode, 'ErrorCode').extensions['x-enumDescriptions'],
        'ErrorCode.x-enumDescriptions',
      );
      expect(sorted(Object.keys(meanings))).toEqual(sorted(codes));
      for (const code of codes) {
        expect(typeof meanings[code] === 'string' && meanings[code].length > 0).toBe(true);
      }
    });
  });

  describe('operations', () => {
    it('reference messages that exist in the operation’s own channel', () => {
      for (const [id, operation] of operations) {
        expect(() => channelAt(resolvePointer(operation.channel.$ref), id)).not.toThrow();
        expect(operation.messages.length).toBeGreaterThan(0);
        for (const message of operation.messages) {
          expect({ operation: id, channel: splitMessageRef(message.$ref).channelRef }).toEqual({
            operation: id,
            channel: operation.channel.$ref,
          });
          expect(() => messageAt(resolvePointer(message.$ref), message.$ref)).not.toThrow();
        }
      }
    });

    it('send (gateway → client) exactly the server events', () => {
      expect(sorted(messageNamesOf('send'))).toEqual(sorted(SERVER_EVENT_NAMES));
    });

    it('receive (client → gateway) exactly the client events', () => {
      expect(sorted(messageNamesOf('receive'))).toEqual(sorted(CLIENT_EVENT_NAMES));
    });

    it('document the acknowledgement of every client event as a reply whose messages exist in the reply channel', () => {
      for (const [id, operation] of operations.filter(([, candidate]) => candidate.action === 'receive')) {
        const reply = operation.reply;
        expect({ operation: id, hasReply: reply !== undefined }).toEqual({ operation: id, hasReply: true });
        if (reply === undefined) continue;
        expect(reply.messages.length).toBeGreaterThan(0);
        for (const message of reply.messages) {
          expect(splitMessageRef(message.$ref).channelRef).toBe(reply.channel.$ref);
          const payload = messageAt(resolvePointer(message.$ref), message.$ref).payload;
          expect(payload).toBeDefined();
        }
      }
    });
  });

  it('has no $ref that points nowhere', () => {
    const broken = collectRefs(root).filter((ref) => {
      try {
        resolvePointer(ref);
        return false;
      } catch {
        return true;
      }
    });
    expect(broken).toEqual([]);
  });
});
