/**
 * Every response the tests receive from the API is checked against the OpenAPI document the
 * service publishes at /api/openapi.json: its status must be one the operation documents, and its
 * JSON body must validate against the documented schema (JSON Schema 2020-12, with Ajv). So a field
 * the code adds, drops or retypes without the contract schemas fails whichever test sees it.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { matchRoute } from '../../shared/host/routes.js';

interface Document {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>;
}

const documents = new Map<string, Promise<{ document: Document; ajv: Ajv2020 }>>();
const validators = new Map<string, ValidateFunction>();

/** The published document of the service at `baseUrl`, fetched once. */
function published(baseUrl: string) {
  let loaded = documents.get(baseUrl);
  if (!loaded) {
    loaded = (async () => {
      const response = await fetch(new URL('/api/openapi.json', baseUrl));
      if (response.status !== 200) throw new Error(`GET /api/openapi.json answered ${response.status}.`);
      const document = (await response.json()) as Document;
      const ajv = new Ajv2020({ strict: false, allErrors: true });
      addFormats.default(ajv);
      ajv.addSchema(document as object, 'openapi.json');
      return { document, ajv };
    })();
    documents.set(baseUrl, loaded);
  }
  return loaded;
}

const pointer = (...parts: string[]) => parts.map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

function validator(ajv: Ajv2020, baseUrl: string, schemaPointer: string): ValidateFunction {
  const key = `${baseUrl}#${schemaPointer}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile({ $ref: `openapi.json#/${schemaPointer}` });
    validators.set(key, validate);
  }
  return validate;
}

/**
 * Throws when the response is not one the document allows: an undocumented status, or a JSON body
 * that does not match its schema. Paths outside /api (the portal) are not part of the API.
 */
export async function checkAgainstContract(baseUrl: string, method: string, path: string, status: number, body: unknown): Promise<void> {
  const pathname = new URL(path, baseUrl).pathname;
  if (!pathname.startsWith('/api/') || method === 'HEAD') return;
  const { document, ajv } = await published(baseUrl);
  // Should two documented paths match (`/api/exports/{id}` takes `e1:cancel` too), the one with
  // more literal text is the operation meant.
  const literalLength = (template: string) => template.replace(/\{[^}]*\}/g, '').length;
  const best = Object.keys(document.paths)
    .filter((template) => matchRoute(template, pathname))
    .sort((a, b) => literalLength(b) - literalLength(a))[0];
  const operation = best ? document.paths[best]?.[method.toLowerCase()] : undefined;
  const where = `${method} ${pathname} answered ${status}`;
  let schemaPointer: string;
  if (!best || !operation) {
    // No API there, or not with this method: the catch-all's 404 or 405 in the contract's error format.
    if (status !== 404 && status !== 405) throw new Error(`${where}, but the document has no such operation.`);
    schemaPointer = pointer('components', 'schemas', 'ErrorResponse');
  } else {
    const response = operation.responses[String(status)];
    if (!response) throw new Error(`${where}, a status the document does not list for it.`);
    if (!response.content?.['application/json']) {
      if (body !== undefined && body !== '') throw new Error(`${where} with a body the document does not describe.`);
      return;
    }
    schemaPointer = pointer('paths', best, method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema');
  }
  const validate = validator(ajv, baseUrl, schemaPointer);
  if (!validate(body)) {
    throw new Error(
      `${where} with a body that does not match the published document: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`,
    );
  }
}
