/**
 * Route templates as the Functions host reads them: literal segments, `{name}` parameters (with an
 * optional `:constraint`, ignored here) and a trailing `{*rest}` catch-all. Used by the local runner
 * to pick an entry, and by the catch-all to tell 404 from 405.
 */
export interface RouteMatch {
  params: Record<string, string>;
  /** Higher is more specific: literal segments outrank parameters, which outrank a catch-all. */
  specificity: number;
}

type TemplateSegment =
  | { kind: 'literal'; text: string }
  /** `{id}`, or a complex segment `{id}:cancel`: a parameter followed by literal text (`suffix`). */
  | { kind: 'parameter'; name: string; suffix: string }
  | { kind: 'catchAll'; name: string };

/** Parsed templates: a table has a few dozen, and every request is matched against them all. */
const parsedTemplates = new Map<string, TemplateSegment[]>();

function parseTemplate(template: string): TemplateSegment[] {
  let segments = parsedTemplates.get(template);
  if (!segments) {
    segments = template
      .split('/')
      .filter(Boolean)
      .map((segment): TemplateSegment => {
        const parameter = /^\{(\*?)([A-Za-z0-9_]+)(?::[^}]*)?\??\}([^{}]*)$/.exec(segment);
        if (!parameter) return { kind: 'literal', text: segment.toLowerCase() };
        if (parameter[1] === '*') return { kind: 'catchAll', name: parameter[2] ?? 'rest' };
        return { kind: 'parameter', name: parameter[2] ?? 'value', suffix: (parameter[3] ?? '').toLowerCase() };
      });
    parsedTemplates.set(template, segments);
  }
  return segments;
}

export function matchRoute(template: string, path: string): RouteMatch | undefined {
  const templateSegments = parseTemplate(template);
  const pathSegments = path.split('/').filter(Boolean);
  const params: Record<string, string> = {};
  let specificity = 0;
  for (let index = 0; index < templateSegments.length; index += 1) {
    const segment = templateSegments[index] as TemplateSegment;
    if (segment.kind === 'catchAll') {
      params[segment.name] = pathSegments.slice(index).map(decodeSegment).join('/');
      return { params, specificity: specificity * 4 };
    }
    const value = pathSegments[index];
    if (value === undefined) return undefined;
    if (segment.kind === 'parameter') {
      // ASP.NET Core routing (which the Functions host uses) matches a complex segment's literal
      // from the right: `{id}:cancel` takes `abc:cancel` with id `abc`, and outranks a bare
      // parameter (learn.microsoft.com/aspnet/core/fundamentals/routing, "Complex segments").
      const decoded = decodeSegment(value);
      if (decoded === undefined) return undefined;
      if (segment.suffix) {
        if (decoded.length <= segment.suffix.length || !decoded.toLowerCase().endsWith(segment.suffix)) return undefined;
        params[segment.name] = decoded.slice(0, decoded.length - segment.suffix.length);
        specificity += 2.5;
        continue;
      }
      params[segment.name] = decoded;
      specificity += 2;
    } else if (segment.text === value.toLowerCase()) {
      specificity += 3;
    } else {
      return undefined;
    }
  }
  if (pathSegments.length !== templateSegments.length) return undefined;
  return { params, specificity: specificity * 4 + 1 };
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
