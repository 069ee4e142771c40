// Budget files and the `check` gate: does each model fit the device within the team's budget.

export { BUDGET_SCHEMA, loadBudget, parseBudget, toBudget, type BudgetFile } from './budget';
export { checkModel, type CheckResult } from './check';
