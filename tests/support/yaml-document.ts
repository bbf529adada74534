import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** Reading a hand-written YAML document (OpenAPI, AsyncAPI) with local `$ref`s, failing loudly on a wrong shape. */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function objectAt(value: unknown, where: string): JsonObject {
  if (!isObject(value)) throw new Error(`${where} must be a mapping`);
  return value;
}

export const sorted = (values: Iterable<string>): string[] => [...values].sort();

export interface YamlDocument {
  root: JsonObject;
  /** Follows a local JSON pointer such as `#/components/schemas/Alert`. */
  resolvePointer(ref: string): unknown;
  /** The value itself, or what its `$ref` chain points at. */
  deref(value: unknown): unknown;
}

export function loadYamlDocument(file: string): YamlDocument {
  const root = objectAt(parse(readFileSync(file, 'utf8')), 'the document');
  const resolvePointer = (ref: string): unknown => {
    if (!ref.startsWith('#/')) throw new Error(`only local references are expected, got ${ref}`);
    let node: unknown = root;
    for (const segment of ref.slice(2).split('/')) {
      const key = decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~');
      if (!isObject(node) || !(key in node)) throw new Error(`${ref} does not resolve (no "${key}")`);
      node = node[key];
    }
    return node;
  };
  const deref = (value: unknown): unknown => {
    let node = value;
    for (let hops = 0; isObject(node) && typeof node.$ref === 'string'; hops += 1) {
      if (hops > 20) throw new Error('reference cycle');
      node = resolvePointer(node.$ref);
    }
    return node;
  };
  return { root, resolvePointer, deref };
}
