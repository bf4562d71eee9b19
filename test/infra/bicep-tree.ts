/**
 * Reads the Bicep files under infra/ with tree-sitter (web-tree-sitter and the tree-sitter-bicep
 * grammar), since no Bicep compiler can run here. The helpers answer questions from the syntax
 * tree (which resources, which properties, which decorators) instead of matching raw text, so a
 * commented-out line or a string that merely mentions a property does not count.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Language, type Node, Parser, type Tree } from 'web-tree-sitter';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const infraDir = join(repoRoot, 'infra');

const require = createRequire(import.meta.url);
/** The grammar as WebAssembly, shipped inside the tree-sitter-bicep package. */
export const bicepGrammarPath = join(dirname(require.resolve('tree-sitter-bicep/package.json')), 'tree-sitter-bicep.wasm');

let parserReady: Promise<Parser> | undefined;

/** One parser for the whole test file (web-tree-sitter 0.27: Parser.init(), then Language.load). */
export function bicepParser(): Promise<Parser> {
  parserReady ??= (async () => {
    await Parser.init();
    const language = await Language.load(bicepGrammarPath);
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  })();
  return parserReady;
}

export interface BicepFile {
  /** Path relative to the repository root, with forward slashes. */
  path: string;
  source: string;
  tree: Tree;
  root: Node;
}

/** Every .bicep file under infra/, relative to the repository root. */
export function bicepFilePaths(directory = infraDir): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const full = join(directory, entry.name);
    if (entry.isDirectory()) found.push(...bicepFilePaths(full));
    else if (entry.name.endsWith('.bicep')) found.push(relative(repoRoot, full).split('\\').join('/'));
  }
  return found.sort();
}

export async function parseBicepSource(source: string, path = '<source>'): Promise<BicepFile> {
  const parser = await bicepParser();
  const tree = parser.parse(source);
  if (!tree) throw new Error(`tree-sitter returned no tree for ${path}`);
  return { path, source, tree, root: tree.rootNode };
}

export async function parseBicepFile(path: string): Promise<BicepFile> {
  return parseBicepSource(readFileSync(join(repoRoot, path), 'utf8'), path);
}

export async function parseAllBicepFiles(): Promise<Map<string, BicepFile>> {
  const files = new Map<string, BicepFile>();
  for (const path of bicepFilePaths()) files.set(path, await parseBicepFile(path));
  return files;
}

export interface SyntaxProblem {
  kind: 'ERROR' | 'MISSING';
  line: number;
  column: number;
  text: string;
}

/** ERROR and MISSING nodes, with 1-based positions. */
export function syntaxProblems(root: Node): SyntaxProblem[] {
  const problems: SyntaxProblem[] = [];
  const visit = (node: Node) => {
    if (node.isError || node.isMissing) {
      problems.push({
        kind: node.isMissing ? 'MISSING' : 'ERROR',
        line: node.startPosition.row + 1,
        column: node.startPosition.column + 1,
        text: node.text.slice(0, 80),
      });
    }
    if (node.hasError) for (const child of node.children) visit(child);
  };
  visit(root);
  if (root.hasError && problems.length === 0) problems.push({ kind: 'ERROR', line: 1, column: 1, text: '(tree has errors)' });
  return problems;
}

/** All descendants of the given types (document order). */
export function descendants(node: Node, type: string): Node[] {
  return node.descendantsOfType(type).filter((found): found is Node => found !== null);
}

/** The value of a string, number, boolean or null literal; undefined for anything computed. */
export function literal(node: Node | undefined): string | number | boolean | null | undefined {
  if (!node) return undefined;
  switch (node.type) {
    case 'string': {
      let value = '';
      for (const part of node.namedChildren) {
        if (!part) continue;
        if (part.type === 'string_content') value += part.text;
        else if (part.type === 'escape_sequence') value += unescapeSequence(part.text);
        else return undefined; // an interpolation
      }
      return value;
    }
    case 'number':
      return Number(node.text);
    case 'boolean':
      return node.text === 'true';
    case 'null':
      return null;
    default:
      return undefined;
  }
}

function unescapeSequence(sequence: string): string {
  const escaped = sequence.slice(1);
  const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', "'": "'", '\\': '\\', $: '$' };
  return simple[escaped] ?? escaped;
}

/** The key of an object property as written (identifier or quoted string). */
function propertyKey(property: Node): string | undefined {
  const key = property.namedChildren[0];
  if (!key) return undefined;
  if (key.type === 'identifier') return key.text;
  if (key.type === 'string') {
    const value = literal(key);
    return typeof value === 'string' ? value : key.text;
  }
  return undefined;
}

/** The properties of an object literal, key to value node (nested resources are skipped). */
export function objectEntries(object: Node | undefined): Map<string, Node> {
  const entries = new Map<string, Node>();
  if (object?.type !== 'object') return entries;
  for (const child of object.namedChildren) {
    if (child?.type !== 'object_property') continue;
    const key = propertyKey(child);
    const value = child.namedChildren[child.namedChildCount - 1];
    if (key !== undefined && value && child.namedChildCount >= 2) entries.set(key, value);
  }
  return entries;
}

/**
 * Follows a dotted path of object keys (`properties.siteConfig.minTlsVersion`). Object literals
 * combined with union(...) or chosen with a ternary are searched too, so a setting placed in any
 * of them is found.
 */
export function property(object: Node | undefined, path: string): Node | undefined {
  return propertyValues(object, path)[0];
}

/** Every value a dotted path can take across union() parts and ternary branches. */
export function propertyValues(object: Node | undefined, path: string): Node[] {
  let current: Node[] = object ? [object] : [];
  for (const key of path.split('.')) {
    const next: Node[] = [];
    for (const node of current) {
      for (const candidate of objectLiteralsOf(node)) {
        const value = objectEntries(candidate).get(key);
        if (value) next.push(value);
      }
    }
    current = next;
  }
  return current;
}

/** The object literals an expression can evaluate to: itself, union() arguments, ternary branches. */
export function objectLiteralsOf(node: Node): Node[] {
  if (node.type === 'object') return [node];
  if (node.type === 'call_expression' && node.namedChildren[0]?.text === 'union') {
    const args = node.namedChildren[1];
    return (args?.namedChildren ?? []).flatMap((arg) => (arg ? objectLiteralsOf(arg) : []));
  }
  if (node.type === 'ternary_expression') {
    return node.namedChildren.slice(1).flatMap((branch) => (branch ? objectLiteralsOf(branch) : []));
  }
  if (node.type === 'parenthesized_expression') {
    const inner = node.namedChildren[0];
    return inner ? objectLiteralsOf(inner) : [];
  }
  return [];
}

export interface Decorator {
  name: string;
  args: Node[];
}

/** The decorators written just above a declaration (or above a property of a type). */
export function decoratorsOf(declaration: Node): Decorator[] {
  const previous = declaration.previousNamedSibling;
  if (previous?.type !== 'decorators') return [];
  return previous.namedChildren.flatMap((decorator) => {
    const call = decorator?.namedChildren[0];
    if (!call) return [];
    if (call.type === 'call_expression') {
      return [{ name: call.namedChildren[0]?.text ?? '', args: (call.namedChildren[1]?.namedChildren ?? []).filter((arg): arg is Node => arg !== null) }];
    }
    return [{ name: call.text, args: [] }];
  });
}

export function descriptionOf(declaration: Node): string | undefined {
  const description = decoratorsOf(declaration).find((decorator) => decorator.name === 'description');
  const value = literal(description?.args[0]);
  return typeof value === 'string' ? value : undefined;
}

export interface Declaration {
  kind: 'param' | 'output' | 'var' | 'type' | 'func';
  name: string;
  node: Node;
  /** The declared type (params, outputs). */
  typeText: string | undefined;
  /** The default value (params) or value (outputs, vars). */
  value: Node | undefined;
}

const declarationTypes: Record<string, Declaration['kind']> = {
  parameter_declaration: 'param',
  output_declaration: 'output',
  variable_declaration: 'var',
  type_declaration: 'type',
  user_defined_function: 'func',
};

/** Top-level declarations of a file. */
export function declarations(root: Node, kind?: Declaration['kind']): Declaration[] {
  const found: Declaration[] = [];
  for (const node of root.namedChildren) {
    const declarationKind = node ? declarationTypes[node.type] : undefined;
    if (!node || !declarationKind || (kind && kind !== declarationKind)) continue;
    const named = node.namedChildren.filter((child): child is Node => child !== null);
    const typeNode = named.find((child) => child.type === 'type');
    const nameNode = named.find((child) => child.type === 'identifier');
    const last = named[named.length - 1];
    found.push({
      kind: declarationKind,
      name: nameNode?.text ?? '',
      node,
      typeText: typeNode?.text,
      value: last && last !== nameNode && last !== typeNode ? last : undefined,
    });
  }
  return found;
}

export interface ResourceDeclaration {
  symbol: string;
  /** Full resource type; a nested resource's type includes its parent's. */
  type: string;
  apiVersion: string | undefined;
  existing: boolean;
  /** Declared with a for loop. */
  loop: boolean;
  /** The loop's collection expression, when it is a loop. */
  loopSource: Node | undefined;
  /** The `if (...)` condition, when it is conditional. */
  condition: Node | undefined;
  /** The resource body (an object literal). */
  body: Node;
  node: Node;
  /** Symbol of the enclosing resource, for nested resources. */
  enclosingSymbol: string | undefined;
}

/** Every resource declaration of a file, including nested ones. */
export function resources(root: Node): ResourceDeclaration[] {
  const found: ResourceDeclaration[] = [];
  for (const node of descendants(root, 'resource_declaration')) {
    const named = node.namedChildren.filter((child): child is Node => child !== null);
    const symbol = named[0]?.text ?? '';
    const typeLiteral = literal(named[1]);
    const [ownType = '', apiVersion] = typeof typeLiteral === 'string' ? typeLiteral.split('@') : [''];
    let value = named[named.length - 1];
    let loop = false;
    let loopSource: Node | undefined;
    let condition: Node | undefined;
    if (value?.type === 'for_statement') {
      loop = true;
      const loopNamed = value.namedChildren.filter((child): child is Node => child !== null);
      loopSource = loopNamed.find(
        (child, index) => index > 0 && child.type !== 'for_loop_parameters' && child.type !== 'loop_variable' && child !== loopNamed[loopNamed.length - 1],
      );
      value = loopNamed[loopNamed.length - 1];
    }
    if (value?.type === 'if_statement') {
      condition = value.namedChildren[0] ?? undefined;
      value = value.namedChildren[value.namedChildCount - 1] ?? undefined;
    }
    if (!value) continue;
    const enclosing = enclosingResource(node);
    const type = enclosing && !ownType.includes('/') ? `${enclosing.type}/${ownType}` : ownType;
    found.push({
      symbol,
      type,
      apiVersion: apiVersion ?? enclosing?.apiVersion,
      existing: node.children.some((child) => child?.type === 'existing'),
      loop,
      loopSource,
      condition,
      body: value,
      node,
      enclosingSymbol: enclosing?.symbol,
    });
  }
  return found;
}

/** The resource declaration around a nested one, with its full type (parents' types prefixed). */
function enclosingResource(node: Node): { symbol: string; type: string; apiVersion: string | undefined } | undefined {
  for (let parent = node.parent; parent; parent = parent.parent) {
    if (parent.type !== 'resource_declaration') continue;
    const named = parent.namedChildren.filter((child): child is Node => child !== null);
    const typeLiteral = literal(named[1]);
    const [ownType = '', apiVersion] = typeof typeLiteral === 'string' ? typeLiteral.split('@') : [''];
    const outer = enclosingResource(parent);
    return {
      symbol: named[0]?.text ?? '',
      type: outer && !ownType.includes('/') ? `${outer.type}/${ownType}` : ownType,
      apiVersion: apiVersion ?? outer?.apiVersion,
    };
  }
  return undefined;
}

/** Calls of a function by name (e.g. loadJsonContent), anywhere in the file. */
export function callsOf(root: Node, functionName: string): Node[] {
  return descendants(root, 'call_expression').filter((call) => call.namedChildren[0]?.text === functionName);
}

/** The literal arguments of a call. */
export function callArguments(call: Node): Node[] {
  return (call.namedChildren[1]?.namedChildren ?? []).filter((arg): arg is Node => arg !== null);
}

/** Modules a file declares: symbol, path and params object. */
export function modules(root: Node): Array<{ symbol: string; path: string; body: Node }> {
  return descendants(root, 'module_declaration').flatMap((node) => {
    const named = node.namedChildren.filter((child): child is Node => child !== null);
    const path = literal(named[1]);
    const body = named[named.length - 1];
    return typeof path === 'string' && body ? [{ symbol: named[0]?.text ?? '', path, body }] : [];
  });
}

/** Text of a node with whitespace collapsed, for comparing expressions. */
export function compact(node: Node | undefined): string {
  return (node?.text ?? '').replace(/\s+/g, ' ').trim();
}
