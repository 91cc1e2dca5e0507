/** The contract between the proxy, the extension and the webview. */
export * from './api';
export * from './events';
export * from './process';
export * from './format';
export * from './defaults';
export * from './batch';
