// A time budget for long engine work. The engine is synchronous, so a caller cannot interrupt it from outside;
// instead the long loops (shape inference, costing, memory planning) call `check()` and the work ends with a
// `cancelled` error value once the budget is spent.

import { LensException } from './result';

export interface Deadline {
  /** Throws LensException('cancelled') once the budget is spent. Cheap: reads the clock every few hundred calls. */
  check(): void;
}

export function deadlineAfter(budgetMs: number, what: string): Deadline {
  const end = performance.now() + budgetMs;
  let calls = 0;
  return {
    check() {
      if (++calls % 256 !== 0) return;
      if (performance.now() > end) {
        throw new LensException('cancelled', `${what} took longer than its time budget of ${Math.round(budgetMs)} ms and was stopped`);
      }
    },
  };
}
