import { FloatAttr, type NodeDef } from '../onnx/graph';
import { ImpastoError } from '../errors';

function bad(node: NodeDef, name: string, expected: string): ImpastoError {
  return new ImpastoError('BAD_MODEL', `attribute '${name}' of ${node.opType} node '${node.name}' is not ${expected}`);
}

/** An INT attribute, or `def` when absent. */
export function intAttr(node: NodeDef, name: string, def: number): number {
  const v = node.attributes[name];
  if (v === undefined) return def;
  if (typeof v !== 'number') throw bad(node, name, 'an integer');
  return v;
}

/** An INTS attribute, or undefined when absent. */
export function intsAttr(node: NodeDef, name: string): number[] | undefined {
  const v = node.attributes[name];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) throw bad(node, name, 'a list of integers');
  return v as number[];
}

/** A FLOAT attribute (plain or `attr.float`), or `def` when absent. */
export function floatAttr(node: NodeDef, name: string, def: number): number {
  const v = node.attributes[name];
  if (v === undefined) return def;
  if (v instanceof FloatAttr) return v.value;
  if (typeof v === 'number') return v;
  throw bad(node, name, 'a float');
}

/** A STRING attribute, or `def` when absent. */
export function stringAttr(node: NodeDef, name: string, def: string): string {
  const v = node.attributes[name];
  if (v === undefined) return def;
  if (typeof v !== 'string') throw bad(node, name, 'a string');
  return v;
}

/** Input `i` of `node`, or undefined where it is absent (ONNX marks skipped optional inputs ''). */
export function optionalInput(node: NodeDef, i: number): string | undefined {
  const v = node.inputs[i];
  return v === undefined || v === '' ? undefined : v;
}
