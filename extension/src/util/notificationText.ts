/**
 * Text for a VS Code notification (`showInformationMessage` / `showWarningMessage` /
 * `showErrorMessage`). Pure (no `vscode`).
 *
 * Notifications are not plain text: VS Code turns `[label](target)` into a link when the target
 * starts with `https://`, `http://`, `file:` or `command:` (parseLinkedText, since 1.34), and opens
 * it with commands allowed — one click on a `command:` link runs that command. A message quoting a
 * policy file from a cloned repository (an unknown key, a bad value) could so offer "[Fix it]
 * (command:…)" or a phishing `https://` link in Tollgate's name.
 */

/**
 * `text` with every `](` broken by a zero-width space: it reads the same, but no link can form
 * (the parser needs `]` and `(` adjacent). Apply to any notification text that quotes something
 * Tollgate did not write itself.
 */
export function notificationText(text: string): string {
  return text.replace(/\]\(/g, ']\u200b(');
}
