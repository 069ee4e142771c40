// Turns request params ({uri} or {path}) into a local file path, refusing schemes the server cannot read.

import { fileURLToPath } from 'node:url';
import { isAbsolute } from 'node:path';
import { err, ok, type Result } from '../core/result';

export function modelPathOf(params: { uri?: string; path?: string }): Result<string> {
  if (typeof params.path === 'string' && params.path !== '') {
    if (!isAbsolute(params.path)) return err('invalid-argument', `model path must be absolute: ${params.path}`, params.path);
    return ok(params.path);
  }
  if (typeof params.uri === 'string' && params.uri.startsWith('file:')) {
    try {
      return ok(fileURLToPath(params.uri));
    } catch {
      return err('invalid-argument', `not a local file URI: ${params.uri}`);
    }
  }
  return err('invalid-argument', `only local files can be analyzed (got ${params.uri ?? 'no uri or path'})`);
}
