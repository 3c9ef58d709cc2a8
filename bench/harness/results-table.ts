export interface TableRow {
  readonly key: string;
  /** Absent when the benchmark failed. */
  readonly value: number | null;
  readonly goal: string;
}

const GOAL = /^\s*(>=|≥|<=|≤|>|<)\s*(-?\d+(?:\.\d+)?)\s*$/;

/** Whether `value` meets a goal such as `>= 1000`; null if unreadable. */
export function goalMet(goal: string, value: number): boolean | null {
  const match = GOAL.exec(goal);
  if (!match) return null;
  const target = Number(match[2]);
  switch (match[1]) {
    case '>=': case '≥': return value >= target;
    case '<=': case '≤': return value <= target;
    case '>': return value > target;
    case '<': return value < target;
    default: return null;
  }
}

/** The results as an aligned text table: key, value, goal, met?. */
export function formatTable(rows: readonly TableRow[]): string {
  const cells = [
    ['key', 'value', 'goal', 'met?'],
    ...rows.map((row) => [row.key, valueText(row), row.goal, metText(row)]),
  ];
  const widths = cells[0]?.map((_, col) =>
    Math.max(...cells.map((line) => (line[col] ?? '').length))) ?? [];
  const lines = cells.map((line) =>
    line.map((cell, col) => cell.padEnd(widths[col] ?? 0)).join('  ').trimEnd());
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [lines[0], rule, ...lines.slice(1)].join('\n');
}

function valueText(row: TableRow): string {
  if (row.value === null) return 'failed';
  return Number.isInteger(row.value) ? String(row.value) : row.value.toPrecision(4);
}

function metText(row: TableRow): string {
  if (row.value === null) return 'no';
  const met = goalMet(row.goal, row.value);
  return met === null ? '?' : met ? 'yes' : 'no';
}
