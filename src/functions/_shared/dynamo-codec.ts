import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * JSON-shaped values to DynamoDB attribute values and back (what lib-dynamodb's marshall does,
 * for the plain data this fleet stores; the runtime ships client-dynamodb but not lib-dynamodb).
 */

export function toAttr(value: unknown): AttributeValue {
  if (value === null) return { NULL: true };
  switch (typeof value) {
    case 'string':
      return { S: value };
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`cannot store ${value} in DynamoDB`);
      return { N: String(value) };
    case 'boolean':
      return { BOOL: value };
    case 'object':
      if (Array.isArray(value)) return { L: value.map(toAttr) };
      return { M: toItem(value as Record<string, unknown>) };
    default:
      throw new TypeError(`cannot store a ${typeof value} in DynamoDB`);
  }
}

/** An object as a DynamoDB item; `undefined` fields are left out. */
export function toItem(obj: Record<string, unknown>): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) item[k] = toAttr(v);
  return item;
}

export function fromAttr(attr: AttributeValue): unknown {
  if (attr.S !== undefined) return attr.S;
  if (attr.N !== undefined) return Number(attr.N);
  if (attr.BOOL !== undefined) return attr.BOOL;
  if (attr.NULL !== undefined) return null;
  if (attr.L !== undefined) return attr.L.map(fromAttr);
  if (attr.M !== undefined) return fromItem(attr.M);
  if (attr.SS !== undefined) return [...attr.SS];
  if (attr.NS !== undefined) return attr.NS.map(Number);
  throw new TypeError(`unsupported DynamoDB attribute: ${Object.keys(attr).join(', ')}`);
}

export function fromItem(item: Record<string, AttributeValue>): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) obj[k] = fromAttr(v);
  return obj;
}
