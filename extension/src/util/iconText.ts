/**
 * Text for places VS Code renders with theme icons: CodeLens titles, status bar text, quick pick
 * labels, descriptions and details, tree item labels. Pure (no `vscode`).
 *
 * There `$(name)` becomes an icon (and `$(loading~spin)` a spinner), so a model name, a prompt's
 * role or a folder name from a cloned repository could draw Tollgate's own icons — a fake
 * `$(pass-filled)` — or hide its text. VS Code's renderer (renderLabelWithIcons) shows `\$(name)`
 * as the literal `$(name)`, so each icon reference in such text gets a backslash in front.
 */

/** What VS Code's label renderer reads as an icon: `$(` + name (+ `~modifier`) + `)`. */
const ICON_REFERENCE = /\$\([A-Za-z0-9-]+(?:~[A-Za-z]+)?\)/g;

/**
 * `text` shown as the characters it is where theme icons are rendered. Every reference is escaped,
 * also one already behind a backslash: the renderer then shows that backslash and the `$(…)` too,
 * exactly as written (VS Code's own escapeIcons leaves it, and the backslash disappears).
 */
export function iconText(text: string): string {
  return text.replace(ICON_REFERENCE, '\\$&');
}
