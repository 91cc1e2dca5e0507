/**
 * Tollgate's VS Code extension: a thin client. It supervises the proxy (its own Node process),
 * shows spend in the status bar, and puts cost CodeLens and diagnostics on prompts and LLM calls.
 * Activation only creates objects and registers providers; the proxy start and the analysis
 * engine load happen afterwards, asynchronously.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import { DocumentAnalyses, documentSelector } from './analysis/documentAnalyses';
import { loadAnalyzer } from './analysis/engine';
import { registerCreatePolicy } from './commands/createPolicy';
import { DashboardLink } from './commands/dashboardCommands';
import { registerExportPolicy } from './commands/exportPolicy';
import { registerProviderKeyCommands } from './commands/providerKeyCommands';
import { registerProxyCommands } from './commands/proxyCommands';
import { readConfig } from './config';
import { CostDiagnostics, CostQuickFixes, registerDisableRule } from './diagnostics/costDiagnostics';
import { noteUnreadLanguages } from './diagnostics/unreadLanguages';
import { CostLensProvider } from './lens/costLensProvider';
import { PolicyDiagnostics } from './policy/policyDiagnostics';
import { ProxyController } from './proxy/proxyController';
import { CostStatusBar } from './statusBar/statusBar';

let controller: ProxyController | undefined;

export function activate(context: vscode.ExtensionContext): { proxy: ProxyController } {
  const output = vscode.window.createOutputChannel('Tollgate', { log: true });
  const proxy = new ProxyController(context, output);
  controller = proxy;
  const cfg = readConfig();
  const selector = documentSelector(cfg.promptGlobs);
  const analyses = new DocumentAnalyses(loadAnalyzer, join(context.extensionPath, 'dist', 'wasm'), output);
  const lenses = new CostLensProvider(analyses);
  const policy = new PolicyDiagnostics(proxy);
  const quickFixes = new CostQuickFixes(analyses);
  const diagnostics = new CostDiagnostics(analyses, selector);
  // `tollgate.promptGlobs` decides which files get CodeLens, diagnostics and quick fixes: an edited
  // setting re-registers the providers now instead of after a window reload.
  let providers: vscode.Disposable | undefined;
  const registerProviders = (sel: vscode.DocumentSelector) => {
    providers?.dispose();
    providers = vscode.Disposable.from(
      vscode.languages.registerCodeLensProvider(sel, lenses),
      vscode.languages.registerCodeActionsProvider(sel, quickFixes, CostQuickFixes.metadata),
    );
  };
  registerProviders(selector);

  context.subscriptions.push(
    output,
    proxy,
    policy,
    new CostStatusBar(proxy, policy),
    analyses,
    lenses,
    { dispose: () => providers?.dispose() },
    diagnostics,
    noteUnreadLanguages(context.workspaceState),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('tollgate.promptGlobs')) return;
      const sel = documentSelector(readConfig().promptGlobs);
      registerProviders(sel);
      diagnostics.setSelector(sel);
    }),
    registerDisableRule(),
    ...registerProxyCommands(proxy),
    ...registerProviderKeyCommands(context, proxy),
    new DashboardLink(context, proxy),
    registerCreatePolicy(proxy),
    registerExportPolicy(proxy),
  );

  if (cfg.autoStart) setTimeout(() => void proxy.start(), 0);
  return { proxy };
}

/** VS Code waits for this promise: the proxy child is stopped, not orphaned. */
export function deactivate(): Promise<void> | undefined {
  return controller?.shutdown();
}
