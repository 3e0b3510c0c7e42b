/**
 * The house (issue 15): each layer knows only the one below it (DESIGN.md "Data flow"). Resolvers parse
 * arguments and call the domain: nothing in src/graphql/resolvers/ imports from src/vendors/ or
 * src/upstream/. And vendors are named only where they are registered: no vendor key appears as a string
 * in src/ outside src/vendors/ (the vendor folders and the registry) and src/config/.
 *
 * Files are read with the TypeScript parser, so comments and longer messages that mention a vendor do not
 * count; imports, `export … from`, `import()` and `require()` do. `HOUSE_ROOT` points the check at another
 * checkout (issue 15 ran it on the commit before the domain layer, where it fails).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { VENDOR_KEYS } from '../../src/vendors/registry';

interface SourceFile {
  /** Relative to the checkout, with `/` separators (`src/graphql/resolvers/agents.ts`). */
  path: string;
  text: string;
}

const RESOLVERS = 'src/graphql/resolvers/';
const FORBIDDEN_FOR_RESOLVERS = ['src/vendors/', 'src/upstream/'];
/** Where a vendor key may be written: the vendor folders with the registry, and config. */
const MAY_NAME_VENDORS = ['src/vendors/', 'src/config/'];

/** Every module a file imports or re-exports, as written. */
function moduleSpecifiers(file: ts.SourceFile): string[] {
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push(node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      out.push(node.moduleReference.expression.text);
    } else if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteralLike(node.arguments[0]!)) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) out.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

/** Every string literal of a file whose whole text is one of `words`, with its line. */
function literalsEqualTo(file: ts.SourceFile, words: ReadonlySet<string>): Array<{ text: string; line: number }> {
  const out: Array<{ text: string; line: number }> = [];
  const visit = (node: ts.Node) => {
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && words.has(node.text)) {
      out.push({ text: node.text, line: file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

/** What breaks the house, one line each; empty when it stands. */
export function houseViolations(files: readonly SourceFile[], vendorKeys: readonly string[]): string[] {
  const keys = new Set(vendorKeys);
  const out: string[] = [];
  for (const f of files) {
    const parsed = ts.createSourceFile(f.path, f.text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    if (f.path.startsWith(RESOLVERS)) {
      for (const spec of moduleSpecifiers(parsed)) {
        if (!spec.startsWith('.')) continue;
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(f.path), spec));
        const layer = FORBIDDEN_FOR_RESOLVERS.find((dir) => `${target}/`.startsWith(dir));
        if (layer) out.push(`${f.path} imports '${spec}' (${layer}): resolvers reach vendors through src/domain/`);
      }
    }
    if (!MAY_NAME_VENDORS.some((dir) => f.path.startsWith(dir))) {
      for (const hit of literalsEqualTo(parsed, keys)) {
        out.push(`${f.path}:${hit.line} names the vendor '${hit.text}': only src/vendors/ (and its registry) and src/config/ may`);
      }
    }
  }
  return out;
}

function sourceFiles(root: string, dir: string): SourceFile[] {
  const out: SourceFile[] = [];
  for (const name of readdirSync(path.join(root, dir)).sort()) {
    const rel = `${dir}/${name}`;
    if (statSync(path.join(root, rel)).isDirectory()) out.push(...sourceFiles(root, rel));
    else if (name.endsWith('.ts')) out.push({ path: rel, text: readFileSync(path.join(root, rel), 'utf8') });
  }
  return out;
}

describe('the house (issue 15)', () => {
  const root = process.env['HOUSE_ROOT'] ?? path.resolve(__dirname, '../..');

  it('stands in src/: resolvers import no vendor or upstream module, and only src/vendors/ and src/config/ name vendors', () => {
    const files = sourceFiles(root, 'src');
    expect(files.filter((f) => f.path.startsWith(RESOLVERS)).length).toBeGreaterThan(5);
    expect(houseViolations(files, VENDOR_KEYS)).toEqual([]);
  });

  it('catches a resolver importing a vendor or the upstream, however it imports', () => {
    const resolver = (text: string): SourceFile => ({ path: 'src/graphql/resolvers/x.ts', text });
    expect(
      houseViolations(
        [
          resolver("import { ameyoAgentStatus } from '../../vendors/ameyo/adapter';"),
          resolver("export { limitBytes } from '../../upstream/multipart';"),
          resolver("import type { Upstream } from '../../upstream';"),
          resolver("const m = require('../../vendors');"),
          resolver("const m = await import('../../vendors/registry');"),
          resolver("import { listAgents } from '../../domain/agents';\nimport { nodeKey } from '../context';"),
        ],
        ['ameyo'],
      ),
    ).toEqual([
      "src/graphql/resolvers/x.ts imports '../../vendors/ameyo/adapter' (src/vendors/): resolvers reach vendors through src/domain/",
      "src/graphql/resolvers/x.ts imports '../../upstream/multipart' (src/upstream/): resolvers reach vendors through src/domain/",
      "src/graphql/resolvers/x.ts imports '../../upstream' (src/upstream/): resolvers reach vendors through src/domain/",
      "src/graphql/resolvers/x.ts imports '../../vendors' (src/vendors/): resolvers reach vendors through src/domain/",
      "src/graphql/resolvers/x.ts imports '../../vendors/registry' (src/vendors/): resolvers reach vendors through src/domain/",
    ]);
  });

  it('catches a vendor key written outside src/vendors/ and src/config/, and not one in a comment or a message', () => {
    const files: SourceFile[] = [
      { path: 'src/graphql/enums.ts', text: "const V = { ameyo: 'AMEYO', 'apps-api': 'APPS_API' };" },
      { path: 'src/errors.ts', text: "export type VendorKey =\n  | 'ameyo'\n  | `apps-api`;" },
      { path: 'src/upstream/trace.ts', text: "// e.g. 'apps-api'\nconst m = 'apps-api is unavailable';" },
      { path: 'src/vendors/apps-api/index.ts', text: "export const key = 'apps-api';" },
      { path: 'src/config/schema.ts', text: "const vendor = z.literal('ameyo');" },
    ];
    expect(houseViolations(files, ['ameyo', 'apps-api'])).toEqual([
      "src/graphql/enums.ts:1 names the vendor 'apps-api': only src/vendors/ (and its registry) and src/config/ may",
      "src/errors.ts:2 names the vendor 'ameyo': only src/vendors/ (and its registry) and src/config/ may",
      "src/errors.ts:3 names the vendor 'apps-api': only src/vendors/ (and its registry) and src/config/ may",
    ]);
  });
});
