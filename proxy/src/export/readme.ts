/**
 * The README written beside each target's files. JSON configs cannot carry comments (Bifrost's
 * schema forbids unknown keys; Portkey's gateway ignores them but our key check would not), so
 * the source policy, its hash and the export warnings live here, next to the config they describe.
 */
import { provenance } from './stable';
import type { ExportSource, ExportWarning } from './types';
import type { GatewayPin } from './versions';

export function renderReadme(title: string, source: ExportSource, intro: string[], warnings: ExportWarning[], pin: GatewayPin): string {
  const lines = [`# ${title}`, '', provenance(source.file, source.text), '', ...intro, ''];
  lines.push('## Gateway version', '', `Written for ${pin.version}; facts read from ${pin.source}.`, '', `Older versions: ${pin.olderVersions}`, '');
  lines.push('## What will differ in production', '');
  if (warnings.length === 0) lines.push('Every policy setting was exported.');
  for (const w of warnings) lines.push(`- \`${w.field}\`: ${w.message}`);
  return `${lines.join('\n')}\n`;
}
