import * as fs from 'node:fs';
import * as path from 'node:path';
import { Graph } from '../../src/onnx/graph';
import { ImpastoError } from '../../src/errors';
import { differentiableOps } from '../../src/autodiff';
import { gradientPath } from '../../src/autodiff/gradients';
import { noGradient } from '../../src/autodiff/ops/no-gradient';
import { indexRules, registeredRules } from '../../src/autodiff/registry';
import type { GradCase } from './harness';

/*
 * Which rules have a finite-difference case is measured, not declared: the other test files are
 * loaded here with `describe`/`it` swapped for collectors and `checkGradients` mocked, and every
 * test body runs. The mock builds each case's graph as the harness would and records the op types
 * on its gradient path (the nodes whose rules addGradients would run), so an op counts as covered
 * only if some checkGradients call really differentiates through it. Nothing touches onnxruntime,
 * so this costs milliseconds and does not depend on which files jest runs or in what order.
 */
const mockCoverage = { onPath: new Set<string>(), present: new Set<string>(), cases: 0 };

function mockRecord(c: GradCase): Promise<void> {
  const names = Object.keys(c.runs[0]!);
  const g = new Graph('coverage');
  const inputs = Object.fromEntries(names.map((n) => [n, g.input(n, 'float32', c.declare?.[n])]));
  const f = c.build(g, inputs);
  for (const n of g.nodes) mockCoverage.present.add(n.opType);
  for (const { node } of gradientPath(g, f, (c.wrt ?? names).map((n) => inputs[n]!))) mockCoverage.onPath.add(node.opType);
  mockCoverage.cases++;
  return Promise.resolve();
}

jest.mock('./harness', () => ({ ...jest.requireActual('./harness'), checkGradients: (c: GradCase) => mockRecord(c) }));

type Body = () => unknown;

/** Loads a test file with jest's globals replaced, returning its test bodies (skipped ones left out). */
function collect(file: string): Body[] {
  const bodies: Body[] = [];
  const it = Object.assign((_: string, fn: Body) => void bodies.push(fn), {
    only: (_: string, fn: Body) => void bodies.push(fn),
    skip: () => undefined,
    todo: () => undefined,
    each: (rows: readonly unknown[]) => (_: string, fn: (...args: unknown[]) => unknown) => {
      for (const row of rows) bodies.push(() => fn(...(Array.isArray(row) ? row : [row])));
    },
  });
  const describe = Object.assign((_: string, fn: () => void) => fn(), { only: (_: string, fn: () => void) => fn(), skip: () => undefined });
  const hook = (fn: Body) => void bodies.push(fn);
  const replaced = { describe, it, test: it, beforeAll: hook, beforeEach: hook, afterAll: () => undefined, afterEach: () => undefined };
  const scope = globalThis as Record<string, unknown>;
  const saved = Object.fromEntries(Object.keys(replaced).map((k) => [k, scope[k]]));
  Object.assign(scope, replaced);
  try {
    jest.isolateModules(() => require(file));
  } finally {
    Object.assign(scope, saved);
  }
  return bodies;
}

// Test files with finite-difference cases: the ones that call checkGradients.
const FD_FILES = fs
  .readdirSync(__dirname)
  .filter((f) => f.endsWith('.test.ts') && f !== path.basename(__filename))
  .map((f) => path.join(__dirname, f))
  .filter((f) => fs.readFileSync(f, 'utf8').includes('checkGradients('));

// Constant has no inputs, so it is never on a gradient path: appearing in a checked graph is all
// a case can show of it.
const SOURCE_OPS = new Set(['Constant']);

describe('autodiff: the rule registry', () => {
  it('rejects a second rule for the same op instead of keeping the last', () => {
    const [first, second] = registeredRules();
    let error: unknown;
    try {
      indexRules([first!, second!, { ...first!, grad: () => [] }]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ImpastoError);
    expect((error as ImpastoError).message).toBe(`two gradient rules are registered for ONNX op '${first!.opType}'`);
  });

  it('registers every op once', () => {
    const ops = registeredRules().map((r) => r.opType);
    const twice = ops.filter((op, i) => ops.indexOf(op) !== i);
    expect(twice).toEqual([]);
    expect(differentiableOps()).toHaveLength(ops.length);
  });

  it('has a finite-difference case through every rule that passes a gradient', async () => {
    for (const file of FD_FILES) for (const body of collect(file)) await body();
    // Guards the mechanism itself: the bodies ran, and off-path ops are not counted.
    expect(mockCoverage.cases).toBeGreaterThan(100);
    expect(mockCoverage.present.has('Shape')).toBe(true);
    expect(mockCoverage.onPath.has('Shape')).toBe(false);
    const gradientFree = new Set(noGradient.map((r) => r.opType));
    const missing = differentiableOps().filter((op) => !gradientFree.has(op) && !(SOURCE_OPS.has(op) ? mockCoverage.present : mockCoverage.onPath).has(op));
    expect(missing).toEqual([]);
  });
});
