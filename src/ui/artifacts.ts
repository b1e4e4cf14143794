import path from 'node:path';
import type { Artifact } from '../package/index.js';
import { formatBytes, renderTable } from './table.js';

/** The `ops package` table. Pure: returns lines. */
export function renderArtifacts(artifacts: Artifact[], root: string): string[] {
  const rows = artifacts.map((a) => [
    a.key,
    a.runtime,
    String(a.files),
    formatBytes(a.size),
    a.sha256.slice(0, 12),
    a.cached ? 'cached' : `built ${a.buildMs}ms`,
    path.relative(root, a.zipPath),
  ]);
  return renderTable(
    ['function', 'runtime', { header: 'files', align: 'right' }, { header: 'size', align: 'right' }, 'sha256', 'build', 'zip'],
    rows,
  );
}
