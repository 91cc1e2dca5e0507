/**
 * Calls back when VS Code switches colour theme: it swaps the body class (vscode-light,
 * vscode-dark, vscode-high-contrast…) and the CSS variables, and the host also sends `theme`.
 */
export function watchTheme(onChange: () => void): () => void {
  let last = document.body.className;
  const mo = new MutationObserver(() => {
    if (document.body.className === last) return;
    last = document.body.className;
    onChange();
  });
  mo.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  return () => mo.disconnect();
}
