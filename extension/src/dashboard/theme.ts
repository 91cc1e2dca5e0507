/** VS Code's colour theme kind → the protocol's ThemeKind (the webview also reads body classes). */
import * as vscode from 'vscode';
import type { ThemeKind } from '../../../webview/src/protocol';

export function themeKind(kind: vscode.ColorThemeKind): ThemeKind {
  switch (kind) {
    case vscode.ColorThemeKind.Light:
      return 'light';
    case vscode.ColorThemeKind.HighContrast:
      return 'high-contrast';
    case vscode.ColorThemeKind.HighContrastLight:
      return 'high-contrast-light';
    default:
      return 'dark';
  }
}
