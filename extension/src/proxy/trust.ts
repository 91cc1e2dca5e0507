/**
 * Asking before keys go to a host a workspace policy chose. The proxy holds every provider that a
 * policy file points at a non-default host the user has not approved, and lists them in /healthz
 * (`trust.pending`). The extension asks once per host, like VS Code's workspace trust; an approval
 * is remembered for this user (global state) and passed to the proxy as TOLLGATE_TRUSTED_HOSTS,
 * a refusal is remembered for this workspace so the question does not come back on every start.
 */
import * as vscode from 'vscode';

export interface PendingHost {
  provider: string;
  host: string;
  apiKeyEnv: string;
  /** The provider's base URL; an `http:` one would carry the keys unencrypted. */
  baseUrl?: string;
}

const APPROVED = 'tollgate.trust.approvedHosts';

function cleartext(p: PendingHost): boolean {
  return p.baseUrl !== undefined && /^http:/i.test(p.baseUrl);
}
const REFUSED = 'tollgate.trust.refusedHosts';

export class HostApprovals {
  constructor(private readonly context: vscode.ExtensionContext) {}

  approved(): string[] {
    return this.context.globalState.get<string[]>(APPROVED, []);
  }

  /** The value for the proxy's TOLLGATE_TRUSTED_HOSTS (user approvals plus the user's own env setting). */
  envValue(): string {
    return [...new Set([...this.approved(), ...(process.env.TOLLGATE_TRUSTED_HOSTS ?? '').split(/[\s,]+/).filter(Boolean)])].join(',');
  }

  /**
   * Asks about each pending host not decided before. Resolves true when the user approved at
   * least one (the caller restarts the proxy so it takes effect).
   */
  async review(pending: PendingHost[]): Promise<boolean> {
    const refused = this.context.workspaceState.get<string[]>(REFUSED, []);
    let approvedAny = false;
    for (const p of pending) {
      if (this.approved().includes(p.host) || refused.includes(p.host)) continue;
      const pick = await vscode.window.showWarningMessage(
        `This workspace's Tollgate policy sends provider "${p.provider}" to ${p.host}${cleartext(p) ? ' over plain http (unencrypted: anyone on the network path can read the keys)' : ''}. Tollgate will forward your API keys there (${p.apiKeyEnv}, or the key your app sends). Allow ${p.host}?`,
        { modal: true, detail: 'Until you allow it, Tollgate refuses calls to this provider. Only allow hosts you know: a repository you cloned can put any address in .tollgate/policy.yaml.' },
        'Allow',
        'Keep Blocked',
      );
      if (pick === 'Allow') {
        await this.context.globalState.update(APPROVED, [...this.approved(), p.host]);
        approvedAny = true;
      } else if (pick === 'Keep Blocked') {
        await this.context.workspaceState.update(REFUSED, [...refused, p.host]);
      }
    }
    return approvedAny;
  }
}
