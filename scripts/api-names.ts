/**
 * How many names each package root exports (values and types), and how many are values: the size
 * of the API an app meets. `npx tsx scripts/api-names.ts`.
 */
import * as ts from 'typescript';
import { REPO } from './paths';

const entries = {
  '@impasto/core': 'packages/core/src/index.ts',
  '@impasto/node': 'packages/node/src/index.ts',
  '@impasto/web': 'packages/web/src/index.ts',
  '@impasto/core/platform': 'packages/core/src/entries/platform.ts',
};
const program = ts.createProgram(
  Object.values(entries).map((f) => `${REPO}/${f}`),
  {
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    module: ts.ModuleKind.ESNext,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    baseUrl: REPO,
    paths: { '@impasto/core': ['./packages/core/src/index.ts'], '@impasto/core/*': ['./packages/core/src/entries/*.ts'] },
    skipLibCheck: true,
  },
);
const checker = program.getTypeChecker();
for (const [name, file] of Object.entries(entries)) {
  const symbol = checker.getSymbolAtLocation(program.getSourceFile(`${REPO}/${file}`)!)!;
  const all = checker.getExportsOfModule(symbol);
  const values = all.filter((s) => {
    const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
    return (target.flags & ts.SymbolFlags.Value) !== 0;
  });
  console.log(`${name.padEnd(24)} ${String(all.length).padStart(4)} names, ${String(values.length).padStart(3)} values`);
}
