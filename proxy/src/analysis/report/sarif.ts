/**
 * SARIF 2.1.0 for GitHub code scanning: one run, the rule catalogue as `tool.driver.rules`, one
 * result per finding (1-based lines and columns), quick fixes as SARIF `fixes`.
 */
import { isAbsolute, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RULES } from '../rules';
import { LineIndex } from '../text/line-index';
import type { Range, Severity } from '../types';
import type { FileResult, SkippedPath } from '../workspace/collect';

export interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

/**
 * SARIF `artifactLocation` (§3.4): `uri` is a URI, not a path. A relative reference carries the
 * `uriBaseId` it resolves against; an absolute URI carries none.
 */
export interface SarifArtifactLocation {
  uri: string;
  uriBaseId?: string;
}

/** The base id of files under the directory `lint` ran in (what code scanning maps to the checkout). */
export const SARIF_SRCROOT = '%SRCROOT%';

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: Array<{
    /** `%SRCROOT%` → the working directory as an absolute `file:` URI ending in `/` (§3.14.14). */
    originalUriBaseIds?: Record<string, { uri: string }>;
    /** The unit of `startColumn`/`endColumn` and of `charOffset`/`charLength` (§3.14.17); absent, readers may assume code points. */
    columnKind?: 'utf16CodeUnits' | 'unicodeCodePoints';
    /** Files that could not be analysed, as warnings a reader shows beside the results (§3.20.21). */
    invocations?: Array<{ executionSuccessful: boolean; toolExecutionNotifications: Array<{ level: 'warning'; message: { text: string }; locations: Array<{ physicalLocation: { artifactLocation: SarifArtifactLocation } }> }> }>;
    tool: { driver: { name: string; version?: string; rules: Array<{ id: string; name: string; shortDescription: { text: string }; fullDescription: { text: string }; defaultConfiguration: { level: string } }> } };
    results: Array<{
      ruleId: string;
      ruleIndex: number;
      level: 'error' | 'warning' | 'note';
      message: { text: string };
      locations: Array<{ physicalLocation: { artifactLocation: SarifArtifactLocation; region: SarifRegion } }>;
      properties?: { tokensSaved?: number; usdPer1kCalls?: number };
      fixes?: Array<{ description: { text: string }; artifactChanges: Array<{ artifactLocation: SarifArtifactLocation; replacements: Array<{ deletedRegion: { charOffset: number; charLength: number }; insertedContent: { text: string } }> }> }>;
    }>;
  }>;
}

function level(s: Severity): 'error' | 'warning' | 'note' {
  return s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note';
}

function region(r: Range): SarifRegion {
  return { startLine: r.start.line + 1, startColumn: r.start.character + 1, endLine: r.end.line + 1, endColumn: r.end.character + 1 };
}

/**
 * RFC 3986 percent-encoding of one path segment: everything but the unreserved characters and the
 * sub-delims / `@` that a segment may hold unescaped (`:` too, except in a relative reference's first
 * segment, where it would read as a scheme; encoding it everywhere is simpler and equally valid).
 */
function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/%(2[46BC]|3[BD]|40)/g, (escaped) => decodeURIComponent(escaped));
}

/**
 * Where a file is, as a SARIF artifact location: a percent-encoded relative reference against
 * `%SRCROOT%` (the working directory) when the file is under it, else an absolute `file:` URI with no
 * base id (`../x` would resolve outside the checkout, which code scanning cannot map).
 */
export function artifactLocationOf(path: string, root: string): SarifArtifactLocation {
  const rel = relative(root, path);
  const outside = rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
  if (outside) return { uri: pathToFileURL(path).href };
  return { uri: rel.split(sep).map(encodeSegment).join('/'), uriBaseId: SARIF_SRCROOT };
}

/** The root directory as an absolute `file:` URI with the trailing slash SARIF requires of a base. */
function rootUri(root: string): string {
  const href = pathToFileURL(root).href;
  return href.endsWith('/') ? href : `${href}/`;
}

export function toSarif(results: FileResult[], cwd: string, skipped: SkippedPath[] = []): SarifLog {
  const rules = RULES.map((r) => ({
    id: r.id,
    name: r.title,
    shortDescription: { text: r.title },
    fullDescription: { text: r.description },
    defaultConfiguration: { level: level(r.defaultSeverity) },
  }));
  const out: SarifLog['runs'][number]['results'] = [];
  for (const f of results) {
    const location = artifactLocationOf(f.path, cwd);
    const lines = new LineIndex(f.text);
    for (const d of f.diagnostics) {
      out.push({
        ruleId: d.ruleId,
        ruleIndex: Math.max(0, RULES.findIndex((r) => r.id === d.ruleId)),
        level: level(d.severity),
        message: { text: d.message },
        locations: [{ physicalLocation: { artifactLocation: { ...location }, region: region(d.range) } }],
        ...(d.tokensSaved !== undefined ? { properties: { tokensSaved: d.tokensSaved, ...(d.usdPer1kCalls !== undefined ? { usdPer1kCalls: d.usdPer1kCalls } : {}) } } : {}),
        ...(d.fixes.length
          ? {
              fixes: d.fixes.map((x) => ({
                description: { text: x.title },
                artifactChanges: [
                  {
                    artifactLocation: { ...location },
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
    runs: [
      {
        originalUriBaseIds: { [SARIF_SRCROOT]: { uri: rootUri(cwd) } },
        // Columns and offsets index the JavaScript string: UTF-16 code units, so a character outside
        // the BMP (an emoji) counts two. Said outright, since a reader may otherwise assume code points.
        columnKind: 'utf16CodeUnits',
        ...(skipped.length
          ? {
              invocations: [
                {
                  executionSuccessful: true,
                  toolExecutionNotifications: skipped.map((s) => ({
                    level: 'warning' as const,
                    message: { text: `Not analysed: ${s.reason}.` },
                    locations: [{ physicalLocation: { artifactLocation: artifactLocationOf(s.path, cwd) } }],
                  })),
                },
              ],
            }
          : {}),
        tool: { driver: { name: 'tollgate', rules } },
        results: out,
      },
    ],
  };
}
