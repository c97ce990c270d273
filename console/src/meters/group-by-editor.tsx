export interface GroupByRow {
  key: string;
  path: string;
}

export function fromGroupBy(groupBy: Record<string, string>): GroupByRow[] {
  return Object.entries(groupBy).map(([key, path]) => ({ key, path }));
}

/** Rows with an empty key are dropped; the API validates keys and paths and names a bad one. */
export function toGroupBy(rows: readonly GroupByRow[]): Record<string, string> {
  return Object.fromEntries(rows.filter((r) => r.key.trim() !== '').map((r) => [r.key.trim(), r.path.trim()]));
}

/** `onChange` takes an updater (a state setter), so quick edits of two inputs never overwrite each other. */
export function GroupByEditor({ rows, onChange }: { rows: GroupByRow[]; onChange: (update: (rows: GroupByRow[]) => GroupByRow[]) => void }) {
  const update = (index: number, change: Partial<GroupByRow>) => onChange((current) => current.map((row, i) => (i === index ? { ...row, ...change } : row)));
  return (
    <fieldset class="group-by">
      <legend>Group by</legend>
      {rows.length === 0 && <p class="muted">No dimensions: usage is one series per customer.</p>}
      {rows.map((row, i) => (
        <div class="group-by-row" key={i}>
          <input aria-label="Dimension" placeholder="model" value={row.key} onInput={(e) => update(i, { key: e.currentTarget.value })} />
          <input aria-label="JSONPath" placeholder="$.model" value={row.path} onInput={(e) => update(i, { path: e.currentTarget.value })} />
          <button type="button" class="small" onClick={() => onChange((current) => current.filter((_, j) => j !== i))}>
            Remove
          </button>
        </div>
      ))}
      <button type="button" class="small" onClick={() => onChange((current) => [...current, { key: '', path: '$.' }])}>
        Add dimension
      </button>
    </fieldset>
  );
}
