import { describe, expect, it } from 'vitest';
import { describeExportFailure } from '../../shared/exports/export-service.js';

const raw = Object.assign(new Error('Server failed to authenticate the request. RequestId:0f1e Time:2026-11-26T05:00:00Z'), { statusCode: 403 });

describe('what the client of a failed export is told', () => {
  it.each([
    [raw, 'StorageAccessDenied'],
    [{ statusCode: 404, code: 'ContainerNotFound' }, 'StorageNotFound'],
    [{ statusCode: 503 }, 'StorageUnavailable'],
    [{ statusCode: 429 }, 'StorageUnavailable'],
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:10000'), { code: 'ECONNREFUSED' }), 'StorageUnavailable'],
    [new Error('Injected crash at export.beforeCommit'), 'ExportFailed'],
    ['a string', 'ExportFailed'],
  ])('%s is %s, in plain words with the reference and nothing of the raw error', (err, code) => {
    const failure = describeExportFailure(err, 5, 'invocation-1');
    expect(failure.code).toBe(code);
    expect(failure.message).toMatch(/after 5 attempts.* Reference: invocation-1\.$/);
    expect(failure.message).not.toMatch(/RequestId|Time:|ECONNREFUSED|Injected|127\.0\.0\.1/);
  });
});
