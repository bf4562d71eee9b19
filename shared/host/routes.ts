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

type TemplateSegment = { kind: 'literal'; text: string } | { kind: 'parameter'; name: string } | { kind: 'catchAll'; name: string };

/** Parsed templates: a table has a few dozen, and every request is matched against them all. */
const parsedTemplates = new Map<string, TemplateSegment[]>();

function parseTemplate(template: string): TemplateSegment[] {
  let segments = parsedTemplates.get(template);
  if (!segments) {
    segments = template
      .split('/')
      .filter(Boolean)
      .map((segment): TemplateSegment => {
        const parameter = /^\{(\*?)([A-Za-z0-9_]+)(?::[^}]*)?\??\}$/.exec(segment);
        if (!parameter) return { kind: 'literal', text: segment.toLowerCase() };
        return { kind: parameter[1] === '*' ? 'catchAll' : 'parameter', name: parameter[2] ?? 'rest' };
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
      const decoded = decodeSegment(value);
      if (decoded === undefined) return undefined;
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
