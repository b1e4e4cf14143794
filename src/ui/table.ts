/** Visible width of a string, ignoring ANSI colour codes. */
export function visibleWidth(s: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are control characters
  return s.replace(/\x1b\[[0-9;]*m/g, '').length;
}

export interface Column {
  header: string;
  align?: 'left' | 'right';
}

/** Renders rows as aligned text lines. Pure: returns lines, prints nothing. */
export function renderTable(columns: (string | Column)[], rows: string[][]): string[] {
  const cols = columns.map((c) => (typeof c === 'string' ? { header: c } : c));
  const widths = cols.map((c, i) => Math.max(visibleWidth(c.header), ...rows.map((r) => visibleWidth(r[i] ?? ''))));
  const fmt = (cells: string[]) =>
    cells
      .map((cell, i) => {
        const pad = ' '.repeat(widths[i] - visibleWidth(cell));
        if (i === cells.length - 1 && cols[i].align !== 'right') return cell;
        return cols[i].align === 'right' ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  return [fmt(cols.map((c) => c.header)), ...rows.map(fmt)];
}

/** 1536 → "1.5 KB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

/** 1234 → "1.2s", 87 → "87ms". */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`;
}
