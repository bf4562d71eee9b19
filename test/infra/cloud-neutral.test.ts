/**
 * The service must deploy unchanged to Azure US Government and the other national clouds, so no
 * code or infrastructure names a public-cloud host: Bicep takes endpoints from environment() and
 * from the resources, the app from its settings. A public-cloud value is allowed only as a
 * documented default, on a line marked `documented-default` (shared/config.ts marks its two
 * quick-link defaults that way).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/test-tools.js';

const publicCloudHosts: RegExp[] = [
  /\bcore\.windows\.net\b/i,
  /\bdatabase\.windows\.net\b/i,
  /\.windows\.net\b/i,
  /\bdocuments\.azure\.com\b/i,
  /\bmanagement\.azure\.com\b/i,
  /\bportal\.azure\.com\b/i,
  /\.azure\.com\b/i,
  /\bvault\.azure\.net\b/i,
  /\.azure\.net\b/i,
  /\bazurewebsites\.net\b/i,
  /\blogin\.microsoftonline\.com\b/i,
  /\blogin\.windows\.net\b/i,
  /\bgraph\.microsoft\.com\b/i,
  /\badmin\.microsoft\.com\b/i,
];

const scannedRoots = ['functions', 'shared', 'scripts', 'infra', 'portal', 'host.json', 'azure.yaml'];
const scannedExtensions = new Set(['.ts', '.mts', '.js', '.mjs', '.cjs', '.json', '.bicep', '.bicepparam', '.yaml', '.yml', '.html', '.css', '.sh', '.ps1']);

interface HostHit {
  line: number;
  host: string;
  text: string;
}

/** Public-cloud host names in a text, except on lines marked documented-default. */
function publicCloudHostsIn(text: string): HostHit[] {
  const hits: HostHit[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.includes('documented-default')) return;
    const found = publicCloudHosts.map((pattern) => pattern.exec(line)?.[0]).find((host) => host !== undefined);
    if (found) hits.push({ line: index + 1, host: found, text: line.trim().slice(0, 160) });
  });
  return hits;
}

function scannedFiles(): string[] {
  const files: string[] = [];
  const visit = (path: string) => {
    if (!existsSync(path)) return;
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path)) if (entry !== 'node_modules') visit(join(path, entry));
    } else if (scannedExtensions.has(extname(path))) {
      files.push(relative(repoRoot, path).split('\\').join('/'));
    }
  };
  for (const root of scannedRoots) visit(join(repoRoot, root));
  return files.sort();
}

describe('national clouds', () => {
  it('the host name check finds public-cloud hosts and skips documented defaults', () => {
    expect(publicCloudHostsIn("value: 'https://${name}.blob.core.windows.net'").map((hit) => hit.host)).toEqual(['core.windows.net']);
    expect(publicCloudHostsIn('const endpoint = "https://contoso.documents.azure.com:443/";')).toHaveLength(1);
    expect(publicCloudHostsIn('https://login.microsoftonline.com/common/v2.0')).toHaveLength(1);
    expect(publicCloudHostsIn("x: 'https://myapp.azurewebsites.net'\ny: 'ok'")[0]?.line).toBe(1);
    expect(publicCloudHostsIn("default('https://portal.azure.com/#@{customerId}'), // documented-default")).toEqual([]);
    expect(publicCloudHostsIn("openIdIssuer: '${environment().authentication.loginEndpoint}common/v2.0'")).toEqual([]);
  });

  it('the checked paths exist and include the infrastructure', () => {
    const files = scannedFiles();
    expect(files).toContain('infra/main.bicep');
    expect(files).toContain('azure.yaml');
    expect(files).toContain('host.json');
    expect(files.some((file) => file.startsWith('shared/'))).toBe(true);
  });

  it('no public-cloud host name appears in code or infra outside documented defaults', () => {
    const hits = scannedFiles().flatMap((file) =>
      publicCloudHostsIn(readFileSync(join(repoRoot, file), 'utf8')).map((hit) => `${file}:${hit.line}: ${hit.host} in «${hit.text}»`),
    );
    expect(hits).toEqual([]);
  });
});
