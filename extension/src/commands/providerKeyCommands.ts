/** Set / clear a provider key in SecretStorage; the running proxy restarts to receive it. */
import * as vscode from 'vscode';
import { deleteProviderKey, PROVIDER_KEYS, storeProviderKey } from '../proxy/providerKeys';
import type { ProxyController } from '../proxy/proxyController';

async function pickProvider(title: string) {
  const pick = await vscode.window.showQuickPick(
    PROVIDER_KEYS.map((k) => ({ label: k.label, description: k.env, key: k })),
    { title },
  );
  return pick?.key;
}

export function registerProviderKeyCommands(context: vscode.ExtensionContext, proxy: ProxyController): vscode.Disposable[] {
  const restartIfRunning = async () => {
    if (proxy.state.kind === 'running' && !proxy.state.attached) await proxy.start();
  };
  return [
    vscode.commands.registerCommand('tollgate.setProviderKey', async () => {
      const key = await pickProvider('Which provider key?');
      if (!key) return;
      const value = await vscode.window.showInputBox({
        title: `${key.label} API key`,
        prompt: 'Stored in VS Code SecretStorage (your OS keychain) and passed to the local proxy through its environment; never written to disk.',
        placeHolder: key.placeholder,
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim().length >= 8 && !/\s/.test(v.trim()) ? undefined : 'paste the whole key'),
      });
      if (!value) return;
      await storeProviderKey(context.secrets, key.env, value.trim());
      void vscode.window.showInformationMessage(`Tollgate: ${key.label} key stored in SecretStorage.`);
      await restartIfRunning();
    }),
    vscode.commands.registerCommand('tollgate.clearProviderKey', async () => {
      const key = await pickProvider('Clear which provider key?');
      if (!key) return;
      await deleteProviderKey(context.secrets, key.env);
      void vscode.window.showInformationMessage(`Tollgate: ${key.label} key removed.`);
      await restartIfRunning();
    }),
  ];
}
