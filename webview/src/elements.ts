/**
 * The @vscode-elements/elements components the dashboard uses, imported one by one so the bundle
 * only carries those. (@vscode/webview-ui-toolkit, the older choice, is archived and deprecated.)
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
