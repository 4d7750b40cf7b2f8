import type { DbKind } from './stores.js';

/** What every scenario is given. */
export interface ScenarioContext {
  db: DbKind;
  quick: boolean;
  /** Diagnostics, to stderr. */
  log(line: string): void;
}

/** One printed JSON line. */
export interface ScenarioResult {
  scenario: string;
  db: DbKind;
  quick: boolean;
  params: Record<string, unknown>;
  natter: Record<string, unknown>;
  ceiling?: Record<string, unknown>;
  /** Natter ÷ ceiling for each figure where both exist. */
  ratio?: Record<string, number | null>;
  /** The product's targets for this scenario, and whether this run met each. */
  targets: Record<string, string>;
  met: Record<string, boolean | null>;
}

export interface Scenario {
  name: string;
  run(ctx: ScenarioContext): Promise<ScenarioResult>;
}

/** true / false when measured, null when the figure is missing. */
export function atMost(value: number | null | undefined, limit: number): boolean | null {
  return value === null || value === undefined ? null : value <= limit;
}

export function atLeast(value: number | null | undefined, limit: number): boolean | null {
  return value === null || value === undefined ? null : value >= limit;
}
