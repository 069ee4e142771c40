// Engine stages after analysis that the fuzzer drives too (device estimates, optimization passes).
// Each stage returns a Result; an `internal` error or a throw is a crash.

import type { Analysis } from '../../src/core/analyze';
import type { Result } from '../../src/core/result';
import type { Rng } from './mutate';

export interface Stage {
  name: string;
  run(analysis: Analysis, rng: Rng): Result<unknown>;
}

export const extraStages: Stage[] = [];
