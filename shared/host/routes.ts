/**
 * HTTP routing as the Azure Functions host does it, for the local runner and for the table's
 * route check:
 *
 * - The host lists the functions ordered by name, ordinal and case-insensitive
 *   (`FunctionMetadataManager`: `OrderBy(f => f.Name, StringComparer.OrdinalIgnoreCase)`), and maps
 *   their routes in that order (`WebScriptHostHttpRoutesManager`); a request goes to the first
 *   route whose template and method constraint match. No "most specific route" rule applies
 *   (azure-functions-host #3153 and #9876, azure-functions-nodejs-library #300).
 * - Templates are ASP.NET Core route templates: literal segments (case-insensitive), `{name}`
 *   parameters (a non-empty segment), a trailing optional `{name?}`, a trailing catch-all
 *   `{*name}` (zero or more segments) and complex segments such as `{id}:cancel`. Inline
 *   constraints (`{id:int}`) are refused rather than ignored, so the runner never matches more
 *   than the host would.
 */
import type { HttpFunctionEntry } from './function-table.js';

type Segment =
  | { kind: 'literal'; text: string }
  | { kind: 'parameter'; name: string; optional: boolean }
  | { kind: 'catchAll'; name: string }
  | { kind: 'complex'; pattern: RegExp; names: string[] };

/** Parsed templates: a table has a few dozen, and every request is matched against them. */
const parsedTemplates = new Map<string, Segment[]>();

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function parseSegment(text: string, template: string): Segment {
  if (!text.includes('{')) return { kind: 'literal', text: text.toLowerCase() };
  const whole = /^\{(\*{0,2})([A-Za-z0-9_]+)(\??)\}$/.exec(text);
  if (whole) {
    const [, star = '', name = '', optional = ''] = whole;
    return star ? { kind: 'catchAll', name } : { kind: 'parameter', name, optional: optional === '?' };
  }
  const names: string[] = [];
  let pattern = '';
  for (const part of text.split(/(\{[^}]*\})/).filter(Boolean)) {
    const parameter = /^\{([A-Za-z0-9_]+)\}$/.exec(part);
    if (parameter) {
      names.push(parameter[1] ?? '');
      pattern += '(.+)';
    } else if (part.includes('{') || part.includes('}')) {
      throw new Error(`Route template "${template}": "${part}" is not supported (no constraints or defaults).`);
    } else {
      pattern += escapeRegExp(part);
    }
  }
  return { kind: 'complex', pattern: new RegExp(`^${pattern}$`, 'i'), names };
}

function parseTemplate(template: string): Segment[] {
  let segments = parsedTemplates.get(template);
  if (!segments) {
    // A leading slash (as in OpenAPI paths) changes nothing: templates start at the route prefix.
    const trimmed = template.replace(/^\//, '');
    const parsed = trimmed === '' ? [] : trimmed.split('/').map((text) => parseSegment(text, template));
    parsed.forEach((segment, index) => {
      const open = segment.kind === 'catchAll' || (segment.kind === 'parameter' && segment.optional);
      if (open && index !== parsed.length - 1) {
        throw new Error(`Route template "${template}": only the last segment may be optional or a catch-all.`);
      }
    });
    parsedTemplates.set(template, parsed);
    segments = parsed;
  }
  return segments;
}

/** The path's segments: without the leading slash and one trailing slash, as ASP.NET Core reads it. */
function pathSegments(path: string): string[] {
  const trimmed = path.replace(/^\//, '').replace(/\/$/, '');
  return trimmed === '' ? [] : trimmed.split('/');
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** The route values when `template` matches `path` (a URL path), else undefined. */
export function matchRoute(template: string, path: string): Record<string, string> | undefined {
  const segments = parseTemplate(template);
  const values = pathSegments(path);
  const params: Record<string, string> = {};
  for (let index = 0; index < segments.length; index += 1) {
    const segment = segments[index] as Segment;
    if (segment.kind === 'catchAll') {
      const rest = values.slice(index).map(decodeSegment);
      if (rest.some((value) => value === undefined)) return undefined;
      // An empty catch-all has no value, and the host passes no parameter for it.
      if (rest.length > 0) params[segment.name] = rest.join('/');
      return params;
    }
    const raw = values[index];
    if (raw === undefined) {
      if (segment.kind === 'parameter' && segment.optional) return params;
      return undefined;
    }
    const value = decodeSegment(raw);
    if (!value) return undefined;
    if (segment.kind === 'literal') {
      if (value.toLowerCase() !== segment.text) return undefined;
    } else if (segment.kind === 'parameter') {
      params[segment.name] = value;
    } else {
      const found = segment.pattern.exec(value);
      if (!found) return undefined;
      segment.names.forEach((name, position) => {
        params[name] = found[position + 1] ?? '';
      });
    }
  }
  return values.length === segments.length ? params : undefined;
}

/** The order in which the host maps routes: by function name, ordinal, ignoring case. */
export function hostOrder<T extends { name: string }>(entries: readonly T[]): T[] {
  const key = (entry: T) => entry.name.toUpperCase();
  return [...entries].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** The entry the host invokes for a request: the first in host order whose method and template match. */
export function dispatch(
  entries: readonly HttpFunctionEntry[],
  method: string,
  path: string,
): { entry: HttpFunctionEntry; params: Record<string, string> } | undefined {
  const upper = method.toUpperCase();
  for (const entry of hostOrder(entries)) {
    if (!entry.methods.some((allowed) => allowed.toUpperCase() === upper)) continue;
    const params = matchRoute(entry.route, path);
    if (params) return { entry, params };
  }
  return undefined;
}

/** A template with a trailing optional parameter is two templates: without it and with it. */
function variants(template: string): Segment[][] {
  const segments = parseTemplate(template);
  const last = segments.at(-1);
  if (last?.kind === 'parameter' && last.optional) return [segments.slice(0, -1), [...segments.slice(0, -1), { ...last, optional: false }]];
  return [segments];
}

function segmentsOverlap(a: Segment, b: Segment): boolean {
  if (a.kind === 'literal' && b.kind === 'literal') return a.text === b.text;
  if (a.kind === 'literal' && b.kind === 'complex') return b.pattern.test(a.text);
  if (a.kind === 'complex' && b.kind === 'literal') return a.pattern.test(b.text);
  // A parameter takes any non-empty segment; two complex segments are assumed to overlap.
  return true;
}

function sequencesOverlap(a: Segment[], b: Segment[]): boolean {
  for (let index = 0; ; index += 1) {
    const left = a[index];
    const right = b[index];
    if (left?.kind === 'catchAll' || right?.kind === 'catchAll') return true;
    if (!left || !right) return !left && !right;
    if (!segmentsOverlap(left, right)) return false;
  }
}

/** Every segment `inner` takes, `outer` takes too. */
function segmentContains(outer: Segment, inner: Segment): boolean {
  if (outer.kind === 'parameter') return true;
  if (outer.kind === 'literal') return inner.kind === 'literal' && inner.text === outer.text;
  if (outer.kind === 'complex') {
    if (inner.kind === 'literal') return outer.pattern.test(inner.text);
    return inner.kind === 'complex' && inner.pattern.source === outer.pattern.source;
  }
  return false;
}

function sequenceContains(outer: Segment[], inner: Segment[]): boolean {
  for (let index = 0; ; index += 1) {
    const wide = outer[index];
    const narrow = inner[index];
    if (wide?.kind === 'catchAll') return true;
    if (!wide || !narrow) return !wide && !narrow;
    if (narrow.kind === 'catchAll' || !segmentContains(wide, narrow)) return false;
  }
}

/**
 * Pairs of HTTP entries where the host would send a request meant for one to the other: two
 * entries share a method and some path matches both, and the one the host tries first is not
 * entirely inside the other (a narrower route before a broader fallback is the one allowed
 * overlap). Empty for a table whose every route reaches its own function.
 */
export function shadowedRoutes(entries: readonly HttpFunctionEntry[]): string[] {
  const ordered = hostOrder(entries);
  const problems: string[] = [];
  ordered.forEach((later, laterIndex) => {
    for (const earlier of ordered.slice(0, laterIndex)) {
      const methods = later.methods.filter((method) => earlier.methods.includes(method));
      if (methods.length === 0) continue;
      const earlierVariants = variants(earlier.route);
      const laterVariants = variants(later.route);
      const overlap = earlierVariants.some((a) => laterVariants.some((b) => sequencesOverlap(a, b)));
      const earlierInsideLater = earlierVariants.every((a) => laterVariants.some((b) => sequenceContains(b, a)));
      if (overlap && !earlierInsideLater) {
        problems.push(
          `${later.name} (${methods.join(', ')} ${later.route}) is shadowed by ${earlier.name} (${earlier.route}), which the host tries first (it orders functions by name).`,
        );
      }
    }
  });
  return problems;
}
