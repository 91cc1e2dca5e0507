/**
 * SARIF 2.1.0 for GitHub code scanning: one run, the rule catalogue as `tool.driver.rules`, one
 * result per finding (1-based lines and columns), quick fixes as SARIF `fixes`.
 */
import { relative, sep } from 'node:path';
import { RULES } from '../rules';
import { LineIndex } from '../text/line-index';
import type { Range, Severity } from '../types';
import type { FileResult } from '../workspace/collect';

export interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: Array<{
    tool: { driver: { name: string; version?: string; rules: Array<{ id: string; name: string; shortDescription: { text: string }; fullDescription: { text: string }; defaultConfiguration: { level: string } }> } };
    results: Array<{
      ruleId: string;
      ruleIndex: number;
      level: 'error' | 'warning' | 'note';
      message: { text: string };
      locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: SarifRegion } }>;
      properties?: { tokensSaved?: number; usdPer1kCalls?: number };
      fixes?: Array<{ description: { text: string }; artifactChanges: Array<{ artifactLocation: { uri: string }; replacements: Array<{ deletedRegion: { charOffset: number; charLength: number }; insertedContent: { text: string } }> }> }>;
    }>;
  }>;
}

function level(s: Severity): 'error' | 'warning' | 'note' {
  return s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note';
}

function region(r: Range): SarifRegion {
  return { startLine: r.start.line + 1, startColumn: r.start.character + 1, endLine: r.end.line + 1, endColumn: r.end.character + 1 };
}

export function toSarif(results: FileResult[], cwd: string): SarifLog {
  const rules = RULES.map((r) => ({
    id: r.id,
    name: r.title,
    shortDescription: { text: r.title },
    fullDescription: { text: r.description },
    defaultConfiguration: { level: level(r.defaultSeverity) },
  }));
  const out: SarifLog['runs'][number]['results'] = [];
  for (const f of results) {
    const uri = (relative(cwd, f.path) || f.path).split(sep).join('/');
    const lines = new LineIndex(f.text);
    for (const d of f.diagnostics) {
      out.push({
        ruleId: d.ruleId,
        ruleIndex: Math.max(0, RULES.findIndex((r) => r.id === d.ruleId)),
        level: level(d.severity),
        message: { text: d.message },
        locations: [{ physicalLocation: { artifactLocation: { uri }, region: region(d.range) } }],
        ...(d.tokensSaved !== undefined ? { properties: { tokensSaved: d.tokensSaved, ...(d.usdPer1kCalls !== undefined ? { usdPer1kCalls: d.usdPer1kCalls } : {}) } } : {}),
        ...(d.fixes.length
          ? {
              fixes: d.fixes.map((x) => ({
                description: { text: x.title },
                artifactChanges: [
                  {
                    artifactLocation: { uri },
                    replacements: x.edits.map((e) => {
                      const a = lines.offsetAt(e.range.start);
                      return { deletedRegion: { charOffset: a, charLength: lines.offsetAt(e.range.end) - a }, insertedContent: { text: e.newText } };
                    }),
                  },
                ],
              })),
            }
          : {}),
      });
    }
  }
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'tollgate', rules } }, results: out }],
  };
}
