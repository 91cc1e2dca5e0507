/** Start / stop / restart the proxy, show its log, copy its base URLs, and the status bar menu. */
import * as vscode from 'vscode';
import { baseUrls } from '../proxy/state';
import { strangerOnPort } from '../statusBar/format';
import type { ProxyController } from '../proxy/proxyController';

export function registerProxyCommands(proxy: ProxyController): vscode.Disposable[] {
  /** The port's process cannot prove it is the user's proxy: an app given its URL would send it its key. */
  const strangerPort = () => (proxy.state.kind === 'running' && proxy.state.attached && proxy.state.verified === false ? proxy.state.port : undefined);
  const copy = async (which: 'openai' | 'anthropic') => {
    const stranger = strangerPort();
    if (stranger !== undefined) return void vscode.window.showWarningMessage(`${strangerOnPort(stranger)} Nothing was copied.`);
    const url = baseUrls(proxy.port)[which];
    await vscode.env.clipboard.writeText(url);
    const note = proxy.state.kind === 'running' ? '' : ' (the proxy is not running yet)';
    void vscode.window.showInformationMessage(`Copied ${which === 'openai' ? 'OpenAI' : 'Anthropic'} base URL ${url}${note}`);
  };
  return [
    vscode.commands.registerCommand('tollgate.startProxy', () => proxy.start()),
    vscode.commands.registerCommand('tollgate.stopProxy', () => proxy.stop()),
    vscode.commands.registerCommand('tollgate.restartProxy', () => proxy.start()),
    vscode.commands.registerCommand('tollgate.showProxyLog', () => proxy.output.show()),
    vscode.commands.registerCommand('tollgate.copyOpenAIBaseUrl', () => copy('openai')),
    vscode.commands.registerCommand('tollgate.copyAnthropicBaseUrl', () => copy('anthropic')),
    vscode.commands.registerCommand('tollgate.statusMenu', async () => {
      const running = proxy.state.kind === 'running';
      const stranger = strangerPort() !== undefined;
      const items: Array<vscode.QuickPickItem & { command: string }> = [
        ...(running
          ? [
              { label: '$(graph) Open Cost Dashboard', command: 'tollgate.openDashboard' },
              { label: '$(copy) Copy OpenAI Base URL', description: baseUrls(proxy.port).openai, command: 'tollgate.copyOpenAIBaseUrl' },
              { label: '$(copy) Copy Anthropic Base URL', description: baseUrls(proxy.port).anthropic, command: 'tollgate.copyAnthropicBaseUrl' },
              { label: '$(debug-restart) Restart Proxy', command: 'tollgate.restartProxy' },
              { label: '$(debug-stop) Stop Proxy', command: 'tollgate.stopProxy' },
            ]
          : [{ label: '$(play) Start Proxy', command: 'tollgate.startProxy' }]),
        { label: '$(key) Set Provider API Key', command: 'tollgate.setProviderKey' },
        { label: '$(output) Show Proxy Log', command: 'tollgate.showProxyLog' },
      ].filter((i) => !(stranger && i.command.startsWith('tollgate.copy')));
      const pick = await vscode.window.showQuickPick(items, { title: 'Tollgate' });
      if (pick) await vscode.commands.executeCommand(pick.command);
    }),
  ];
}
